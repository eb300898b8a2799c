package dev.mlci.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP face of a loaded model, on Undertow (chosen by measurement: bench/http, BENCHMARKS.md):
 * the KServe V2 REST endpoints, MLflow's {@code /invocations}, {@code /ping}, {@code /health},
 * {@code /version} and Prometheus' {@code /metrics}. Bodies over the limit get 413; on {@link
 * #shutdown} the server stops taking requests (readiness turns 503), lets in-flight requests
 * finish, then stops.
 */
final class ModelServer {
  private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

  private final ServerConfig config;
  private final LoadedModel model;
  private final ServerMetrics metrics;
  private final String version;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final Semaphore inference;
  private final GracefulShutdownHandler graceful;
  private final Undertow undertow;

  ModelServer(ServerConfig config, LoadedModel model, ServerMetrics metrics, String version) {
    this.config = config;
    this.model = model;
    this.metrics = metrics;
    this.version = version;
    this.inference = new Semaphore(config.maxConcurrent(), true);
    RoutingHandler routes = new RoutingHandler();
    routes.get("/v2", timed("v2_server", ex -> sendJson(ex, 200, V2Codec.serverMetadata(version))));
    routes.get("/v2/health/live", timed("v2_live", ex -> sendJson(ex, 200, object("live", true))));
    routes.get("/v2/health/ready", timed("v2_ready", this::readiness));
    for (String base : new String[] {"/v2/models/{name}", "/v2/models/{name}/versions/{version}"}) {
      routes.get(
          base,
          timed(
              "v2_model",
              ex -> withModel(ex, () -> sendJson(ex, 200, V2Codec.modelMetadata(model)))));
      routes.get(
          base + "/ready",
          timed(
              "v2_model_ready",
              ex ->
                  withModel(
                      ex,
                      () -> {
                        ObjectNode n = object("name", model.name());
                        n.put("ready", ready.get());
                        sendJson(ex, ready.get() ? 200 : 503, n);
                      })));
      routes.post(base + "/infer", timed("v2_infer", blocking(this::infer, false)));
    }
    routes.post("/invocations", timed("invocations", blocking(this::invocations, true)));
    routes.get(
        "/ping", timed("ping", ex -> sendText(ex, ready.get() ? 200 : 503, "\n", "text/plain")));
    routes.get(
        "/health",
        timed("health", ex -> sendText(ex, ready.get() ? 200 : 503, "\n", "text/plain")));
    routes.get(
        "/version",
        timed("version", ex -> sendText(ex, 200, "mlci " + version + "\n", "text/plain")));
    routes.get(
        "/metrics",
        ex ->
            sendText(
                ex,
                200,
                new String(metrics.scrape(), StandardCharsets.UTF_8),
                "text/plain; version=0.0.4; charset=utf-8"));
    routes.setFallbackHandler(
        timed(
            "not_found",
            ex ->
                sendError(
                    ex,
                    404,
                    "no such endpoint: "
                        + ex.getRequestMethod()
                        + " "
                        + ex.getRequestPath()
                        + " (see /v2, /v2/models/"
                        + model.name()
                        + ", /invocations)")));
    routes.setInvalidMethodHandler(
        timed(
            "bad_method",
            ex ->
                sendError(
                    ex, 405, ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath())));
    graceful = new GracefulShutdownHandler(routes);
    undertow =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            // The body limit is enforced in readBody, which answers 413 with a message; Undertow's
            // own limit answers a bare 400.
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
            .setServerOption(
                UndertowOptions.NO_REQUEST_TIMEOUT, (int) config.idleTimeout().toMillis())
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
            .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) config.idleTimeout().toMillis())
            .setHandler(graceful)
            .build();
  }

  void start() {
    undertow.start();
    ready.set(true);
  }

  /** The port actually listened on (useful when configured as 0). */
  int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Stops taking requests, waits up to the grace period for in-flight ones, then stops. */
  void shutdown() {
    ready.set(false);
    if (!config.shutdownDelay().isZero()) {
      try {
        Thread.sleep(config.shutdownDelay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    graceful.shutdown();
    try {
      if (!graceful.awaitShutdown(config.shutdownGrace().toMillis())) {
        LOG.warning(
            "shutdown: requests still in flight after "
                + config.shutdownGrace().toSeconds()
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    undertow.stop();
    model.predictor().close();
  }

  private void readiness(HttpServerExchange ex) {
    sendJson(ex, ready.get() ? 200 : 503, object("ready", ready.get()));
  }

  private interface Action {
    void run() throws IOException, BadRequest, InterruptedException;
  }

  /**
   * Runs {@code action} when the path names this model (and, if given, its version); 404 otherwise.
   */
  private void withModel(HttpServerExchange ex, Action action)
      throws IOException, InterruptedException {
    String name = ex.getQueryParameters().get("name").getFirst();
    var versionParam = ex.getQueryParameters().get("version");
    if (!name.equals(model.name())) {
      sendError(
          ex, 404, "model '" + name + "' not found; this server serves '" + model.name() + "'");
      return;
    }
    if (versionParam != null && !versionParam.getFirst().equals(model.version())) {
      sendError(
          ex,
          404,
          "model '"
              + name
              + "' has no version '"
              + versionParam.getFirst()
              + "'; the served version is '"
              + model.version()
              + "'");
      return;
    }
    try {
      action.run();
    } catch (BadRequest e) {
      sendError(ex, e.status(), e.getMessage());
    }
  }

  private void infer(HttpServerExchange ex) throws IOException, InterruptedException {
    withModel(
        ex,
        () -> {
          byte[] body = readBody(ex);
          inference.acquire();
          try {
            JsonNode request = parse(body);
            Batch batch = V2Codec.decode(request, model, config.maxRows());
            double[][] scores = score(batch);
            sendJson(ex, 200, V2Codec.response(request, model, scores));
          } finally {
            inference.release();
          }
        });
  }

  private void invocations(HttpServerExchange ex) throws IOException, InterruptedException {
    try {
      String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
      String mediaType =
          type == null
              ? "application/json"
              : type.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (!mediaType.equals("application/json") && !mediaType.equals("text/csv")) {
        throw new BadRequest(
            415, "content type '" + type + "' is not supported; use application/json or text/csv");
      }
      byte[] body = readBody(ex);
      inference.acquire();
      try {
        Batch batch =
            mediaType.equals("text/csv")
                ? MlflowCodec.decodeCsv(
                    new String(body, StandardCharsets.UTF_8), model, config.maxRows())
                : MlflowCodec.decodeJson(parse(body), model, config.maxRows());
        sendJson(ex, 200, MlflowCodec.response(model, score(batch)));
      } finally {
        inference.release();
      }
    } catch (BadRequest e) {
      sendMlflowError(ex, e.status(), e.getMessage(), e.mlflowCode());
    }
  }

  private void sendMlflowError(
      HttpServerExchange ex, int status, String message, java.util.Optional<String> code) {
    send(
        ex,
        status,
        json.writeValueAsBytes(MlflowCodec.error(MlflowCodec.errorCode(status, code), message)),
        "application/json");
  }

  private double[][] score(Batch batch) throws BadRequest {
    if (batch.rows() == 0) {
      throw new BadRequest(400, "the request holds no rows");
    }
    batch.requireComplete(model.spec());
    double[][] scores = model.predictor().predict(batch);
    metrics.rowsScored(batch.rows());
    return scores;
  }

  private JsonNode parse(byte[] body) throws BadRequest {
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequest(
          400, "malformed JSON: " + e.getOriginalMessage(), MlflowCodec.BAD_REQUEST);
    }
  }

  /**
   * The request body, refused with 413 beyond the limit. The rest of an oversized body is read and
   * discarded when its declared length is at most 16 times the limit, so a client still sending it
   * gets the answer (closing at once would reset the connection and lose it); a larger or
   * unknown-length (chunked, possibly endless) body is not read further: the connection is closed
   * after the answer.
   */
  private byte[] readBody(HttpServerExchange ex) throws IOException, BadRequest {
    long declared = ex.getRequestContentLength();
    InputStream in = ex.getInputStream();
    if (declared > config.maxBodyBytes()) {
      discardOrClose(ex, in, declared);
      throw new BadRequest(
          413,
          "the body is "
              + declared
              + " bytes; the limit is "
              + config.maxBodyBytes()
              + " (MLCI_MAX_BODY_BYTES)");
    }
    byte[] body = in.readNBytes((int) config.maxBodyBytes() + 1);
    if (body.length > config.maxBodyBytes()) {
      discardOrClose(ex, in, declared);
      throw new BadRequest(
          413, "the body exceeds the limit of " + config.maxBodyBytes() + " bytes");
    }
    in.close();
    return body;
  }

  private void discardOrClose(HttpServerExchange ex, InputStream in, long declared)
      throws IOException {
    if (declared > 0 && declared <= 16 * config.maxBodyBytes()) {
      in.transferTo(OutputStream.nullOutputStream());
    } else {
      // Closing the stream would read the rest of a body that may never end.
      ex.setPersistent(false);
    }
  }

  /** A handler doing blocking work (reading the body, scoring) on a worker thread. */
  private interface Work {
    void run(HttpServerExchange ex) throws Exception;
  }

  /**
   * Runs {@code work} on a worker thread; an unexpected failure there is logged and answered 500
   * with a JSON body ({@code mlflowErrors}: in MLflow's error shape).
   */
  private HttpHandler blocking(Work work, boolean mlflowErrors) {
    return new BlockingHandler(
        ex -> {
          try {
            work.run(ex);
          } catch (Exception | Error e) {
            fail(ex, e, mlflowErrors);
          }
        });
  }

  /** Logs an unexpected failure and answers 500 with a JSON body, unless a response began. */
  private void fail(HttpServerExchange ex, Throwable e, boolean mlflowErrors) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    LOG.log(
        Level.SEVERE, "request failed: " + ex.getRequestMethod() + " " + ex.getRequestPath(), e);
    if (!ex.isResponseStarted()) {
      String message = "internal error: " + e.getClass().getSimpleName() + " (see the server log)";
      if (mlflowErrors) {
        sendMlflowError(ex, 500, message, java.util.Optional.empty());
      } else {
        sendJson(ex, 500, object("error", message));
      }
    }
  }

  /** Times a handler and counts its outcome; turns unexpected failures into a logged 500. */
  private HttpHandler timed(String endpoint, HttpHandler handler) {
    return ex -> {
      long start = System.nanoTime();
      ex.addExchangeCompleteListener(
          (done, next) -> {
            metrics.request(endpoint, done.getStatusCode(), (System.nanoTime() - start) / 1e9);
            next.proceed();
          });
      try {
        handler.handleRequest(ex);
      } catch (Exception | Error e) {
        fail(ex, e, false);
      }
    };
  }

  private ObjectNode object(String field, Object value) {
    ObjectNode n = json.createObjectNode();
    if (value instanceof Boolean b) {
      n.put(field, b);
    } else {
      n.put(field, String.valueOf(value));
    }
    return n;
  }

  private void sendError(HttpServerExchange ex, int status, String message) {
    if (status >= 500) {
      LOG.warning(status + " " + ex.getRequestPath() + ": " + message);
    }
    sendJson(ex, status, object("error", message));
  }

  private void sendJson(HttpServerExchange ex, int status, JsonNode body) {
    send(ex, status, json.writeValueAsBytes(body), "application/json");
  }

  private void sendText(HttpServerExchange ex, int status, String body, String type) {
    send(ex, status, body.getBytes(StandardCharsets.UTF_8), type);
  }

  private static void send(HttpServerExchange ex, int status, byte[] body, String type) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    ex.getResponseHeaders().put(new HttpString("X-Content-Type-Options"), "nosniff");
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
