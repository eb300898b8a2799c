package dev.mlci.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xnio.Options;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP face of a loaded model, on Undertow (chosen by measurement: bench/http, BENCHMARKS.md):
 * the KServe V2 REST endpoints, MLflow's {@code /invocations}, {@code /ping}, {@code /health},
 * {@code /version} and Prometheus' {@code /metrics}. Bodies over the limit get 413; on {@link
 * #shutdown} the server stops taking requests (readiness turns 503), lets in-flight requests
 * finish, then stops.
 *
 * <p>A request's way through: its path and headers are checked on the I/O thread (404, 415), its
 * body is received there without blocking by {@link BodyReceiver} (within the {@link
 * RequestLimits}, the {@link ByteBudget} and the request deadline), then it waits for one of {@code
 * MLCI_MAX_CONCURRENT} inference threads, which decode it (counting tokens, rows and fields as they
 * go) and score it. Readiness reports 503 while the server is saturated: too many requests waiting,
 * bodies filling the budget, or connections at the cap.
 */
final class ModelServer {
  private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());
  private static final HttpString NOSNIFF = new HttpString("X-Content-Type-Options");

  private final ServerConfig config;
  private final LoadedModel model;
  private final ServerMetrics metrics;
  private final String version;
  private final RequestLimits limits;

  /** The model's columns by name, built once rather than for every request. */
  private final Cells cells;

  private final ObjectMapper json;

  /** The common V2 request read without a JSON tree (the tree path reads the rest). */
  private final V2Stream v2Stream;

  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final ByteBudget bodies;
  private final BodyReceiver receiver;
  private final ExecutorService inference;
  private final AtomicInteger waiting = new AtomicInteger();
  private final InlineScoring inlineScoring = new InlineScoring();
  private final int maxWaiting;
  private final QuietLog quiet = new QuietLog(LOG);
  private final GracefulShutdownHandler graceful;
  private final Undertow undertow;

  ModelServer(ServerConfig config, LoadedModel model, ServerMetrics metrics, String version) {
    this.config = config;
    this.model = model;
    this.metrics = metrics;
    this.version = version;
    this.limits = RequestLimits.of(config);
    this.cells = new Cells(model.spec(), config.maxRows());
    this.json = mapper(limits);
    this.v2Stream = new V2Stream(json, cells);
    this.bodies = new ByteBudget(limits.bodyBudgetBytes());
    this.receiver = new BodyReceiver(limits, bodies, config.requestTimeout());
    this.maxWaiting = 32 * config.maxConcurrent();
    AtomicInteger threads = new AtomicInteger();
    this.inference =
        new ThreadPoolExecutor(
            config.maxConcurrent(),
            config.maxConcurrent(),
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "mlci-inference-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    RoutingHandler routes = new RoutingHandler();
    for (String root : new String[] {"/v2", "/v2/"}) {
      routes.get(
          root, timed("v2_server", ex -> sendJson(ex, 200, V2Codec.serverMetadata(version))));
    }
    routes.get("/v2/health/live", timed("v2_live", ex -> sendJson(ex, 200, object("live", true))));
    routes.get("/v2/health/ready", timed("v2_ready", this::readiness));
    for (String base : new String[] {"/v2/models/{name}", "/v2/models/{name}/versions/{version}"}) {
      routes.get(
          base,
          timed(
              "v2_model",
              ex -> forModel(ex, () -> sendJson(ex, 200, V2Codec.modelMetadata(model)))));
      routes.get(
          base + "/ready",
          timed(
              "v2_model_ready",
              ex ->
                  forModel(
                      ex,
                      () -> {
                        ObjectNode n = object("name", model.name());
                        String why = unready();
                        n.put("ready", why == null);
                        if (why != null) {
                          n.put("reason", why);
                        }
                        sendJson(ex, why == null ? 200 : 503, n);
                      })));
      routes.post(base + "/infer", timed("v2_infer", receiving(this::v2Check, this::infer, false)));
    }
    routes.post(
        "/invocations",
        timed("invocations", receiving(this::mediaType, this::invocations, true), true));
    routes.get(
        "/ping",
        timed("ping", ex -> sendText(ex, unready() == null ? 200 : 503, "\n", "text/plain")));
    routes.get(
        "/health",
        timed("health", ex -> sendText(ex, unready() == null ? 200 : 503, "\n", "text/plain")));
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
                        + BadRequest.cut(ex.getRequestPath())
                        + " (see /v2, /v2/models/"
                        + model.name()
                        + ", /invocations)")));
    routes.setInvalidMethodHandler(
        timed(
            "bad_method",
            ex -> {
              String message =
                  BadRequest.cut(ex.getRequestMethod())
                      + " is not allowed on "
                      + BadRequest.cut(ex.getRequestPath());
              if (ex.getRequestPath().equals("/invocations")) {
                // MLflow's clients read MLflow's error shape on its endpoint.
                refuse(ex, 405, message, Optional.empty(), true);
              } else {
                sendError(ex, 405, message);
              }
            }));
    graceful = new GracefulShutdownHandler(routes);
    undertow =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            // The body limit is enforced in BodyReceiver, which answers 413 with a message;
            // Undertow's own limit answers a bare 400.
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
            .setServerOption(
                UndertowOptions.NO_REQUEST_TIMEOUT, (int) config.idleTimeout().toMillis())
            // Headers trickled byte by byte get the same deadline as a body.
            .setServerOption(
                UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) config.requestTimeout().toMillis())
            .setServerOption(UndertowOptions.ENABLE_STATISTICS, true)
            .setSocketOption(Options.CONNECTION_HIGH_WATER, config.maxConnections())
            .setSocketOption(Options.CONNECTION_LOW_WATER, config.maxConnections())
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
    inference.shutdownNow();
    model.predictor().close();
  }

  /** The limits requests are held to (derived from the heap). */
  RequestLimits limits() {
    return limits;
  }

  /** A JSON mapper that stops parsing a body beyond the limits, before its tree grows past them. */
  static ObjectMapper mapper(RequestLimits limits) {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxTokenCount(limits.maxJsonTokens())
            .maxStringLength(RequestLimits.MAX_STRING_CHARS)
            .maxNameLength(RequestLimits.MAX_STRING_CHARS)
            .maxNumberLength(RequestLimits.MAX_NUMBER_CHARS)
            .maxNestingDepth(RequestLimits.MAX_DEPTH)
            .maxDocumentLength(limits.maxBodyBytes())
            .build();
    // Python's json module writes NaN for a missing float: read it (and then treat it as missing).
    return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .build();
  }

  private void readiness(HttpServerExchange ex) {
    String why = unready();
    ObjectNode n = object("ready", why == null);
    if (why != null) {
      n.put("reason", why);
    }
    sendJson(ex, why == null ? 200 : 503, n);
  }

  /** Why the server cannot take more work now, or null when it can. */
  private String unready() {
    if (!ready.get()) {
      return "the server is starting or shutting down";
    }
    int queued = waiting.get();
    if (queued >= maxWaiting) {
      return queued
          + " requests wait for inference (MLCI_MAX_CONCURRENT="
          + config.maxConcurrent()
          + ")";
    }
    if (bodies.capacity() - bodies.used() < limits.maxBodyBytes()) {
      return "request bodies fill the budget of " + bodies.capacity() + " bytes";
    }
    var stats = undertow.getListenerInfo().get(0).getConnectorStatistics();
    if (stats != null && stats.getActiveConnections() >= config.maxConnections() - 1) {
      return stats.getActiveConnections()
          + " connections are open (MLCI_MAX_CONNECTIONS="
          + config.maxConnections()
          + ")";
    }
    return null;
  }

  private interface Action {
    void run() throws BadRequest;
  }

  /**
   * Runs {@code action} when the path names this model (and, if given, its version); 404 otherwise.
   */
  private void withModel(HttpServerExchange ex, Action action) throws BadRequest {
    String name = ex.getQueryParameters().get("name").getFirst();
    var versionParam = ex.getQueryParameters().get("version");
    if (!name.equals(model.name())) {
      throw new BadRequest(
          404,
          "model '"
              + BadRequest.cut(name)
              + "' not found; this server serves '"
              + model.name()
              + "'");
    }
    if (versionParam != null && !versionParam.getFirst().equals(model.version())) {
      throw new BadRequest(
          404,
          "model '"
              + name
              + "' has no version '"
              + BadRequest.cut(versionParam.getFirst())
              + "'; the served version is '"
              + model.version()
              + "'");
    }
    action.run();
  }

  /** {@link #withModel}, answering 404 itself. */
  private void forModel(HttpServerExchange ex, Action action) {
    try {
      withModel(ex, action);
    } catch (BadRequest e) {
      sendError(ex, e.status(), e.getMessage());
    }
  }

  private void infer(HttpServerExchange ex, RequestBody body) throws BadRequest {
    byte[] bytes = decoded(ex, body);
    if (ex.getRequestHeaders().getFirst(BinaryTensorCodec.HEADER) == null) {
      V2Stream.Request plain = v2Stream.read(bytes);
      if (plain != null) {
        Predictor.Scored scored = score(plain.batch());
        send(
            ex,
            200,
            V2Codec.responseBytes(json, model, plain.id(), scored.scores(), scored.labels()),
            "application/json");
        return;
      }
    }
    JsonNode request = v2Request(ex, bytes);
    Batch batch = V2Codec.decode(request, cells, model);
    Predictor.Scored scored = score(batch);
    ObjectNode response = V2Codec.response(request, model, scored.scores(), scored.labels());
    if (BinaryTensorCodec.wantsBinary(request)) {
      BinaryTensorCodec.Encoded encoded = BinaryTensorCodec.encode(response, request, json);
      ex.getResponseHeaders()
          .put(new HttpString(BinaryTensorCodec.HEADER), Integer.toString(encoded.headerLength()));
      send(ex, 200, encoded.body(), "application/octet-stream");
    } else {
      sendJson(ex, 200, response);
    }
  }

  /** The V2 request: the JSON body, or the binary extension's JSON part with its tensors read. */
  private JsonNode v2Request(HttpServerExchange ex, byte[] body) throws BadRequest {
    String header = ex.getRequestHeaders().getFirst(BinaryTensorCodec.HEADER);
    if (header != null) {
      return BinaryTensorCodec.decode(body, header, json, limits.maxJsonTokens());
    }
    JsonNode request = parse(json, limits, body);
    if (request == null || request.isMissingNode()) {
      throw new BadRequest(400, "the body is empty; send a JSON object with 'inputs'");
    }
    return request;
  }

  /** Checks a V2 infer request's model, content type and coding before its body is read. */
  private void v2Check(HttpServerExchange ex) throws BadRequest {
    withModel(ex, () -> {});
    V2Body.requireContentType(ex);
    ContentEncoding.requireSupported(ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING));
  }

  /** Checks the media type and coding of an /invocations request before its body is read. */
  private void mediaType(HttpServerExchange ex) throws BadRequest {
    String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    String media = mediaType(type);
    if (!media.equals("application/json") && !media.equals("text/csv")) {
      throw new BadRequest(
          415,
          "content type '"
              + BadRequest.cut(type)
              + "' is not supported; use application/json or text/csv");
    }
    ContentEncoding.requireSupported(ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING));
  }

  /** The media type of a Content-Type header, lower case; application/json when there is none. */
  static String mediaType(String header) {
    if (header == null) {
      return "application/json";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private void invocations(HttpServerExchange ex, RequestBody body) throws BadRequest {
    String media = mediaType(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
    // Decoded on the inference thread, so decompressed bodies are bounded like scoring.
    byte[] bytes = decoded(ex, body);
    Batch batch =
        media.equals("text/csv")
            ? MlflowCodec.decodeCsv(bytes, cells, model)
            : MlflowCodec.decodeJson(parse(json, limits, bytes), cells, model);
    sendJson(ex, 200, MlflowCodec.response(model, score(batch).scores()));
  }

  private void sendMlflowError(
      HttpServerExchange ex, int status, String message, Optional<String> code) {
    send(
        ex,
        status,
        json.writeValueAsBytes(MlflowCodec.error(MlflowCodec.errorCode(status, code), message)),
        "application/json");
  }

  /**
   * The body with its {@code Content-Encoding} undone, bounded by the body limit; the decoded bytes
   * are reserved in the server's byte budget (429 when it is full), as received bodies are.
   */
  private byte[] decoded(HttpServerExchange ex, RequestBody body) throws BadRequest {
    byte[] decoded =
        ContentEncoding.decode(
            ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING),
            body.bytes(),
            config.maxBodyBytes());
    if (decoded != body.bytes() && !body.reserve(decoded.length)) {
      ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
      throw new BadRequest(
          429, "the server holds too many request bodies to decode this one now; retry shortly");
    }
    return decoded;
  }

  private Predictor.Scored score(Batch batch) throws BadRequest {
    if (batch.rows() == 0) {
      throw new BadRequest(400, "the request holds no rows");
    }
    batch.requireComplete(model.spec());
    metrics.observe(batch);
    Predictor.Scored scored = model.predictor().score(batch);
    metrics.rowsScored(batch.rows());
    return scored;
  }

  /**
   * The body's JSON tree. Parsing stops at the first token beyond the limits (tokens, string and
   * number lengths, nesting), so no tree outgrows {@link RequestLimits#decodeBytes}.
   */
  JsonNode parse(RequestBody body) throws BadRequest {
    return parse(json, limits, body.bytes());
  }

  static JsonNode parse(ObjectMapper json, RequestLimits limits, byte[] body) throws BadRequest {
    try {
      return json.readTree(body);
    } catch (StreamConstraintsException e) {
      String why = e.getOriginalMessage();
      if (why.startsWith("Document length")) {
        // Only a body that grew after it was received (a decoded Content-Encoding) gets here.
        throw new BadRequest(
            413,
            "the JSON body is longer than "
                + limits.maxBodyBytes()
                + " bytes (MLCI_MAX_BODY_BYTES) once decoded");
      }
      if (why.startsWith("Token count")) {
        throw new BadRequest(
            413,
            "the JSON body holds more than "
                + limits.maxJsonTokens()
                + " values, arrays and keys, more than one request may decode on this server's"
                + " heap; split it into smaller requests");
      }
      String what =
          why.startsWith("Number value length")
              ? "a number in the JSON body is longer than "
                  + RequestLimits.MAX_NUMBER_CHARS
                  + " characters (a double needs at most 25)"
              : why.startsWith("String value length") || why.startsWith("Name length")
                  ? "a string in the JSON body is longer than "
                      + RequestLimits.MAX_STRING_CHARS
                      + " characters (category levels and column names are shorter)"
                  : why.startsWith("Document nesting depth")
                      ? "the JSON body nests deeper than " + RequestLimits.MAX_DEPTH + " levels"
                      : "the JSON body is refused: " + BadRequest.cut(why);
      throw new BadRequest(400, what, MlflowCodec.BAD_REQUEST);
    } catch (JacksonException e) {
      throw new BadRequest(
          400,
          "malformed JSON: " + BadRequest.cut(e.getOriginalMessage()),
          MlflowCodec.BAD_REQUEST);
    }
  }

  /** A check on the path and headers, before the body is read. */
  private interface Check {
    void run(HttpServerExchange ex) throws BadRequest;
  }

  /** Decoding and scoring a received body, on an inference thread. */
  private interface Work {
    void run(HttpServerExchange ex, RequestBody body) throws BadRequest;
  }

  /**
   * A POST endpoint: {@code check} on the I/O thread, the body received without blocking, then
   * {@code work} on an inference thread. Refusals are answered in the endpoint's error shape
   * ({@code mlflowErrors}: MLflow's) and logged by {@link QuietLog}; an unexpected failure is a
   * logged 500.
   */
  private HttpHandler receiving(Check check, Work work, boolean mlflowErrors) {
    BodyReceiver.Refusal refuse =
        (ex, status, message) -> refuse(ex, status, message, Optional.empty(), mlflowErrors);
    return ex -> {
      try {
        check.run(ex);
      } catch (BadRequest e) {
        refuse(ex, e, mlflowErrors);
        return;
      }
      receiver.receive(
          ex,
          refuse,
          (exchange, body, start) -> {
            int bytes = body.bytes().length;
            boolean compressed =
                exchange.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING) != null;
            if (inlineScoring.inline(bytes, compressed)) {
              long began = System.nanoTime();
              try {
                work.run(exchange, body);
              } catch (BadRequest e) {
                refuse(exchange, e, mlflowErrors);
              } catch (Exception | Error e) {
                fail(exchange, e, mlflowErrors);
              } finally {
                inlineScoring.observed(bytes, compressed, System.nanoTime() - began);
              }
              return;
            }
            if (waiting.incrementAndGet() > maxWaiting) {
              waiting.decrementAndGet();
              exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
              refuse.send(
                  exchange,
                  429,
                  "the server is saturated: "
                      + maxWaiting
                      + " requests wait for inference; retry shortly");
              return;
            }
            // As a handler, not a Runnable: Undertow then runs it as a root handler, so the
            // exchange ends and the connection reads its next request as with any dispatch.
            exchange.dispatch(
                inference,
                (HttpHandler)
                    dispatched -> {
                      waiting.decrementAndGet();
                      try {
                        if (System.nanoTime() - start > config.requestTimeout().toNanos()) {
                          throw new BadRequest(
                              503,
                              "the request waited longer than "
                                  + config.requestTimeout().toSeconds()
                                  + " s (MLCI_REQUEST_TIMEOUT_SECONDS) for inference; retry shortly");
                        }
                        long began = System.nanoTime();
                        try {
                          work.run(exchange, body);
                        } finally {
                          inlineScoring.observed(bytes, compressed, System.nanoTime() - began);
                        }
                      } catch (BadRequest e) {
                        refuse(exchange, e, mlflowErrors);
                      } catch (Exception | Error e) {
                        fail(exchange, e, mlflowErrors);
                      }
                    });
          });
    };
  }

  private void refuse(HttpServerExchange ex, BadRequest e, boolean mlflowErrors) {
    refuse(ex, e.status(), e.getMessage(), e.mlflowCode(), mlflowErrors);
  }

  /** Logs a refusal (rate-limited) and answers it in the endpoint's error shape. */
  private void refuse(
      HttpServerExchange ex,
      int status,
      String message,
      Optional<String> mlflowCode,
      boolean mlflowErrors) {
    quiet.refused(status, ex.getRequestMethod().toString(), ex.getRequestPath(), message);
    if (ex.isResponseStarted()) {
      return;
    }
    if (mlflowErrors) {
      sendMlflowError(ex, status, message, mlflowCode);
    } else {
      sendJson(ex, status, object("error", message));
    }
  }

  /** Logs an unexpected failure and answers 500 with a JSON body, unless a response began. */
  private void fail(HttpServerExchange ex, Throwable e, boolean mlflowErrors) {
    LOG.log(
        Level.SEVERE, "request failed: " + ex.getRequestMethod() + " " + ex.getRequestPath(), e);
    if (!ex.isResponseStarted()) {
      String message = "internal error: " + e.getClass().getSimpleName() + " (see the server log)";
      if (mlflowErrors) {
        sendMlflowError(ex, 500, message, Optional.empty());
      } else {
        sendJson(ex, 500, object("error", message));
      }
    }
  }

  /** Times a handler and counts its outcome; turns unexpected failures into a logged 500. */
  private HttpHandler timed(String endpoint, HttpHandler handler) {
    return timed(endpoint, handler, false);
  }

  /**
   * {@link #timed(String, HttpHandler)}, a 500 in MLflow's error shape when {@code mlflowErrors}.
   */
  private HttpHandler timed(String endpoint, HttpHandler handler, boolean mlflowErrors) {
    ServerMetrics.Endpoint counted = metrics.endpoint(endpoint);
    return ex -> {
      long start = System.nanoTime();
      ex.addExchangeCompleteListener(
          (done, next) -> {
            counted.request(done.getStatusCode(), (System.nanoTime() - start) / 1e9);
            next.proceed();
          });
      try {
        handler.handleRequest(ex);
      } catch (Exception | Error e) {
        fail(ex, e, mlflowErrors);
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
      LOG.warning(status + " " + BadRequest.cut(ex.getRequestPath()) + ": " + message);
    } else {
      quiet.refused(status, ex.getRequestMethod().toString(), ex.getRequestPath(), message);
    }
    sendJson(ex, status, object("error", message));
  }

  private void sendJson(HttpServerExchange ex, int status, JsonNode body) {
    send(ex, status, json.writeValueAsBytes(body), "application/json");
  }

  private void sendText(HttpServerExchange ex, int status, String body, String type) {
    send(ex, status, body.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Sends {@code body}, compressed when the client's {@code Accept-Encoding} allows. */
  private static void send(HttpServerExchange ex, int status, byte[] body, String type) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    ex.getResponseHeaders().put(NOSNIFF, "nosniff");
    ex.getResponseHeaders().put(Headers.VARY, "Accept-Encoding");
    var coding = ContentEncoding.choose(ex.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING));
    if (coding.isPresent()) {
      body = ContentEncoding.encode(coding.get(), body);
      ex.getResponseHeaders().put(Headers.CONTENT_ENCODING, coding.get());
    }
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
