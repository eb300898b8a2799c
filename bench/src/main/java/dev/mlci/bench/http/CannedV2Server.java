package dev.mlci.bench.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The HTTP ceiling of the model server (bench/ceiling/run.sh): the model server's Undertow
 * configuration (the options of {@code dev.mlci.server.ModelServer}'s constructor, default I/O and
 * worker threads, a routing handler behind a graceful-shutdown handler, the body read on a worker
 * thread through a {@link BlockingHandler}) with a V2 infer handler that reads and parses the
 * request with Jackson, checks it holds an {@code inputs} array, and answers a fixed V2 reply of
 * the size a one-row prediction has. No model, no codec, no metrics: whatever the real server does
 * beyond this is the cost of serving a model. Bench-only; never shipped.
 *
 * <pre>java -cp benchmarks.jar dev.mlci.bench.http.CannedV2Server PORT</pre>
 */
public final class CannedV2Server {
  private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  private static final int IDLE_TIMEOUT_MILLIS = 60_000;
  private static final byte[] REPLY =
      ("{\"model_name\":\"breast-cancer\",\"model_version\":\"1\",\"id\":\"\",\"outputs\":"
              + "[{\"name\":\"probabilities\",\"shape\":[1,2],\"datatype\":\"FP64\","
              + "\"data\":[0.9876543210987654,0.012345678901234568]},"
              + "{\"name\":\"label\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"benign\"]}]}")
          .getBytes(StandardCharsets.UTF_8);

  private final ObjectMapper json = new ObjectMapper();

  private CannedV2Server() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    CannedV2Server canned = new CannedV2Server();
    RoutingHandler routes = new RoutingHandler();
    routes.post("/v2/models/{name}/infer", new BlockingHandler(canned::infer));
    routes.get("/v2/health/ready", ex -> send(ex, 200, "{\"ready\":true}".getBytes()));
    Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, IDLE_TIMEOUT_MILLIS)
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
        .setServerOption(UndertowOptions.IDLE_TIMEOUT, IDLE_TIMEOUT_MILLIS)
        .setHandler(new GracefulShutdownHandler(routes))
        .build()
        .start();
    System.out.println("canned V2 server on 127.0.0.1:" + port);
  }

  private void infer(HttpServerExchange ex) throws IOException {
    InputStream in = ex.getInputStream();
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    in.close();
    JsonNode request;
    try {
      request = json.readTree(body);
    } catch (JacksonException e) {
      send(ex, 400, "{\"error\":\"malformed JSON\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!request.path("inputs").isArray()) {
      send(ex, 400, "{\"error\":\"no inputs\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    send(ex, 200, REPLY);
  }

  private static void send(HttpServerExchange ex, int status, byte[] body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseHeaders().put(new HttpString("X-Content-Type-Options"), "nosniff");
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
