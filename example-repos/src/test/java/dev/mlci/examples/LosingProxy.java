package dev.mlci.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a flaky network between mlci and a real MLflow server (nothing here imitates
 * MLflow): an HTTP/1.1 proxy on a loopback port that forwards every request to the server, and for
 * the first {@code n} requests to a path it was told to lose, lets the server handle the request
 * and then closes the client's connection without passing the answer on. The client sees what a
 * dropped connection looks like; the server has done the work.
 */
final class LosingProxy implements AutoCloseable {
  private final ServerSocket socket;
  private final int upstream;
  private final Map<String, AtomicInteger> toLose = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> lost = new CopyOnWriteArrayList<>();

  LosingProxy(int upstreamPort) throws IOException {
    this.upstream = upstreamPort;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "losing-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  String uri() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** Loses the answers of the next {@code n} requests whose path ends with {@code suffix}. */
  void lose(String suffix, int n) {
    toLose.put(suffix, new AtomicInteger(n));
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread t = new Thread(() -> handle(client), "losing-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      int length = contentLength(head);
      byte[] body = in.readNBytes(length);
      String path = head.substring(0, head.indexOf("\r\n")).split(" ")[1].split("\\?")[0];
      requests.add(path);
      byte[] answer;
      try (Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream)) {
        OutputStream out = server.getOutputStream();
        out.write(closing(head).getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        answer = server.getInputStream().readAllBytes();
      }
      for (Map.Entry<String, AtomicInteger> e : toLose.entrySet()) {
        if (path.endsWith(e.getKey()) && e.getValue().getAndDecrement() > 0) {
          lost.add(path);
          return; // the server answered; the client never hears it
        }
      }
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      OutputStream out = client.getOutputStream();
      out.write(closing(text.substring(0, end + 4)).getBytes(StandardCharsets.ISO_8859_1));
      out.write(answer, end + 4, answer.length - end - 4);
      out.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  /** The header block with {@code Connection: close}: one exchange per connection. */
  private static String closing(String head) {
    StringBuilder b = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        continue;
      }
      b.append(line).append("\r\n");
    }
    return b.append("Connection: close\r\n\r\n").toString();
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return 0;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        break;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
