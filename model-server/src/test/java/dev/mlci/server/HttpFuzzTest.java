package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A black-box fuzz of the running server over raw sockets: requests built from the decoder fuzz
 * corpus, mutated (bytes flipped, inserted, cut, repeated), with random methods, paths and headers
 * ({@code Content-Type: ;} and friends), seeded so a failure replays. The property: no answer is a
 * 5xx, and the server serves a valid request exactly afterwards. Bounded: {@value #REQUESTS}
 * requests, about 10 s.
 */
class HttpFuzzTest {
  static final int REQUESTS = 4000;
  static final long SEED = 14;

  private static final String[] PATHS = {
    "/invocations",
    "/v2/models/diabetes/infer",
    "/v2/models/diabetes/versions/x/infer",
    "/v2/models/diabetes",
    "/v2/health/ready",
    "/v2",
    "/ping",
    "/metrics",
    "/v2/models/%00/infer",
    "/" + "a".repeat(300),
  };
  private static final String[] METHODS = {
    "POST", "POST", "POST", "POST", "POST", "POST", "GET", "PUT", "OPTIONS"
  };
  private static final String[] TYPES = {
    "application/json",
    "text/csv",
    ";",
    "",
    "text/csv; charset=utf-8",
    "application/json;;;",
    "APPLICATION/JSON ; q=1",
    "multipart/form-data; boundary=x",
    "\u00ff\u00fe",
    "text/csv" + ";a=b".repeat(200),
  };

  @TempDir Path out;

  @Test
  void randomAndMutatedRequests_neverA5xx() throws Exception {
    LoadedModel model =
        ModelLoader.load(ServedModels.train("diabetes", out.resolve("diabetes")).modelDir(), 2);
    ModelServer server =
        new ModelServer(
            ServerConfig.of("127.0.0.1", 0, 256 * 1024, 1000), model, new ServerMetrics(), "t");
    server.start();
    try {
      List<byte[]> corpus = corpus();
      SplittableRandom random = new SplittableRandom(SEED);
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (int i = 0; i < REQUESTS; i++) {
        byte[] request = request(random, corpus);
        int status = send(server.port(), request);
        statuses.merge(status, 1, Integer::sum);
        assertThat(status)
            .as("request %d (seed %d): %s", i, SEED, preview(request))
            .isLessThan(500);
      }
      System.out.println(
          "RELIABILITY http-fuzz: "
              + REQUESTS
              + " requests (seed "
              + SEED
              + "), statuses "
              + statuses);
      HttpResponse<String> valid =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/invocations"))
                      .header("Content-Type", "text/csv")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n"
                                  + "59,2,32.1,101,157,93.2,38,4,4.8598,87\n"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(valid.statusCode()).isEqualTo(200);
      assertThat(valid.body()).startsWith("{\"predictions\":[");
    } finally {
      server.shutdown();
    }
  }

  private static List<byte[]> corpus() throws Exception {
    Path dir = Path.of(HttpFuzzTest.class.getResource("DecoderFuzzTestInputs/decoders").toURI());
    List<byte[]> bodies = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        byte[] b = Files.readAllBytes(f);
        if (b.length < 64 * 1024) {
          bodies.add(java.util.Arrays.copyOfRange(b, 1, b.length)); // without the decoder byte
        }
      }
    }
    return bodies;
  }

  private static byte[] request(SplittableRandom r, List<byte[]> corpus) {
    byte[] body = mutate(r, corpus.get(r.nextInt(corpus.size())));
    String method = METHODS[r.nextInt(METHODS.length)];
    // Most requests go to the two inference endpoints, where the decoders are.
    int p = r.nextInt(PATHS.length + 30);
    String path = p < PATHS.length ? PATHS[p] : PATHS[p % 2];
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\n");
    if (r.nextInt(5) > 0) {
      head.append("Content-Type: ").append(TYPES[r.nextInt(TYPES.length)]).append("\r\n");
    }
    if (r.nextInt(10) == 0) {
      head.append("Content-Encoding: ").append(r.nextBoolean() ? "gzip" : "br").append("\r\n");
    }
    if (r.nextInt(10) == 0) {
      head.append("Expect: 100-continue\r\n");
    }
    boolean chunked = r.nextInt(6) == 0;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (chunked) {
      head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
      bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      bytes.writeBytes(
          (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      bytes.writeBytes(body);
      bytes.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
      bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      bytes.writeBytes(body);
    }
    return bytes.toByteArray();
  }

  /** A few random edits of {@code seed}: flip, insert, delete, cut, repeat a slice. */
  private static byte[] mutate(SplittableRandom r, byte[] seed) {
    byte[] b = seed.clone();
    int edits = r.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> {
          byte[] interesting = {'"', '[', ']', '{', '}', ',', '\n', '-', 'e', '9', '\\', 0};
          byte[] n = new byte[b.length + 1];
          System.arraycopy(b, 0, n, 0, at);
          n[at] = interesting[r.nextInt(interesting.length)];
          System.arraycopy(b, at, n, at + 1, b.length - at);
          b = n;
        }
        case 2 -> b = java.util.Arrays.copyOf(b, at);
        case 3 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(64));
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.write(b, 0, at + len);
          for (int k = r.nextInt(50); k > 0; k--) {
            o.write(b, at, len);
          }
          o.write(b, at + len, b.length - at - len);
          b = o.toByteArray();
        }
        default -> {
          String big = "9".repeat(1 + r.nextInt(500));
          String s = new String(b, StandardCharsets.ISO_8859_1);
          b = s.replaceFirst("\\d+(\\.\\d+)?", big).getBytes(StandardCharsets.ISO_8859_1);
        }
      }
    }
    return b;
  }

  /** Sends one request and returns the answer's status (0 when the server just closed). */
  private static int send(int port, byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      try {
        o.write(request);
        o.flush();
      } catch (java.io.IOException closedEarly) {
        // the server answered and closed before taking the whole request; read what it said
      }
      InputStream in = s.getInputStream();
      byte[] line = new byte[12];
      int n = in.readNBytes(line, 0, 12);
      if (n < 12) {
        return 0;
      }
      return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    } catch (java.net.SocketException reset) {
      return 0;
    }
  }

  private static String preview(byte[] request) {
    String s = new String(request, StandardCharsets.ISO_8859_1);
    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
  }
}
