package dev.mlci.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The same small JSON endpoint on three HTTP servers, to choose the model server's HTTP layer by
 * measurement (bench/http/run.sh drives them with wrk). Each parses a KServe V2 request with one
 * 1x4 FP64 tensor, computes a dot product and answers with a V2 response: the shape of a single-row
 * prediction.
 *
 * <pre>java -cp benchmarks.jar dev.mlci.bench.http.HttpCandidates jdk|undertow|vertx PORT</pre>
 */
public final class HttpCandidates {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] WEIGHTS = {0.5, -0.25, 0.125, 2.0};

  private HttpCandidates() {}

  static byte[] answer(byte[] body) {
    JsonNode request = JSON.readTree(body);
    JsonNode data = request.path("inputs").get(0).path("data");
    double sum = 0;
    for (int i = 0; i < WEIGHTS.length; i++) {
      sum += WEIGHTS[i] * data.get(i).asDouble();
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("model_name", "m");
    ObjectNode o = out.putArray("outputs").addObject();
    o.put("name", "output");
    o.putArray("shape").add(1).add(1);
    o.put("datatype", "FP64");
    o.putArray("data").add(sum);
    return JSON.writeValueAsBytes(out);
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[1]);
    int cores = Runtime.getRuntime().availableProcessors();
    switch (args[0]) {
      case "jdk" -> {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(cores * 8));
        server.createContext(
            "/",
            exchange -> {
              byte[] body;
              try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
              }
              byte[] out = answer(body);
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, out.length);
              try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
              }
            });
        server.start();
      }
      case "undertow" ->
          Undertow.builder()
              .addHttpListener(port, "127.0.0.1")
              .setIoThreads(cores)
              .setHandler(
                  exchange ->
                      exchange
                          .getRequestReceiver()
                          .receiveFullBytes(
                              (ex, body) -> {
                                ex.getResponseHeaders()
                                    .put(Headers.CONTENT_TYPE, "application/json");
                                ex.getResponseSender().send(ByteBuffer.wrap(answer(body)));
                              }))
              .build()
              .start();
      case "vertx" -> {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
        for (int i = 0; i < cores; i++) {
          vertx
              .createHttpServer()
              .requestHandler(
                  req ->
                      req.body()
                          .onSuccess(
                              buf ->
                                  req.response()
                                      .putHeader("Content-Type", "application/json")
                                      .end(Buffer.buffer(answer(buf.getBytes())))))
              .listen(port, "127.0.0.1");
        }
      }
      default -> throw new IllegalArgumentException("jdk, undertow or vertx");
    }
    System.out.println("listening: " + args[0] + " on " + port);
  }
}
