package dev.mlci.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport and retry policy of every server call, against local HTTP servers that answer as an
 * MLflow server (or a proxy in front of one) does when it fails: a stand-in for failures a real
 * server cannot be made to produce on demand (503, 429 with {@code Retry-After}, a lost answer, no
 * answer at all). The calls themselves are tested against a real MLflow server in MlflowIT and
 * MlflowTransportIT.
 */
class MlflowServerTest {
  private static final Retry FAST = new Retry(4, Duration.ofMillis(1), Duration.ofSeconds(5));

  /** One answer of the local server. */
  record Answer(int status, String body, Map<String, String> headers) {
    Answer(int status, String body) {
      this(status, body, Map.of());
    }
  }

  /** Answers a request: its path, its body and how many requests came before it. */
  interface Answering {
    Answer answer(String path, String body, int count);
  }

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private HttpServer http;

  @AfterEach
  void stop() {
    if (http != null) {
      http.stop(0);
    }
  }

  /** A local server that records each request's method, path and Authorization. */
  private String serve(Answering answering) throws IOException {
    AtomicInteger count = new AtomicInteger();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String query = exchange.getRequestURI().getRawQuery();
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          seen.add(exchange.getRequestMethod() + " " + path + (auth == null ? "" : " " + auth));
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Answer a =
              answering.answer(
                  path + (query == null ? "" : "?" + query), body, count.getAndIncrement());
          reply(exchange, a);
        });
    http.start();
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, Answer a) throws IOException {
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(a.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private MlflowServer connect(String uri, Retry retry) {
    return MlflowServer.connect(uri, Map.of(), retry, waits::add);
  }

  @Test
  void serverErrorsAreRetried_thenReported() throws Exception {
    String uri = serve((path, body, n) -> new Answer(503, "busy"));
    try (MlflowServer s = connect(uri, FAST)) {
      assertThatThrownBy(() -> s.experimentId("bc"))
          .isInstanceOf(TrackingException.class)
          .hasMessage(
              "looking up experiment 'bc' at " + uri + " failed after 4 attempts: HTTP 503 busy");
    }
    assertThat(seen).hasSize(4);
    assertThat(waits)
        .containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4));
  }

  @Test
  void aTemporarilyUnavailableServerIsRetriedUntilItAnswers() throws Exception {
    String uri =
        serve(
            (path, body, n) ->
                n < 2
                    ? new Answer(
                        503,
                        "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"restarting\"}")
                    : new Answer(
                        200,
                        "{\"experiments\": [{\"experiment_id\": \"3\", \"name\": \"bc\","
                            + " \"lifecycle_stage\": \"active\"}]}"));
    try (MlflowServer s = connect(uri, FAST)) {
      assertThat(s.experimentId("bc")).isEqualTo("3");
    }
    assertThat(seen).hasSize(3);
  }

  @Test
  void aRateLimitIsRetriedAfterTheWaitTheServerAsks_boundedByTheLongestWait() throws Exception {
    String uri =
        serve(
            (path, body, n) ->
                switch (n) {
                  case 0 ->
                      new Answer(
                          429,
                          "{\"error_code\": \"REQUEST_LIMIT_EXCEEDED\", \"message\": \"slow down\"}",
                          Map.of("Retry-After", "3"));
                  case 1 -> new Answer(429, "{}", Map.of("Retry-After", "3600"));
                  default -> new Answer(200, "{\"run\": {\"info\": {\"run_id\": \"r9\"}}}");
                });
    try (MlflowServer s = connect(uri, FAST)) {
      assertThat(s.getRun("r9").runId()).isEqualTo("r9");
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(10));
  }

  @Test
  void aRefusalIsNotRetried() throws Exception {
    String uri =
        serve(
            (path, body, n) ->
                new Answer(403, "{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"no.\"}"));
    try (MlflowServer s = connect(uri, FAST)) {
      assertThatThrownBy(() -> s.byAlias("bc", "champion"))
          .isInstanceOf(TrackingException.class)
          .satisfies(e -> assertThat(((TrackingException) e).refused()).isTrue())
          .satisfies(e -> assertThat(((TrackingException) e).unreachable()).isFalse())
          .hasMessageContaining("reading alias 'champion' of 'bc'")
          .hasMessageContaining("HTTP 403 PERMISSION_DENIED no")
          .hasMessageContaining("check MLFLOW_TRACKING_TOKEN");
    }
    assertThat(seen).hasSize(1);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersCostsOneTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // reads nothing, answers nothing
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Retry slow = new Retry(4, Duration.ofMillis(1), Duration.ofSeconds(1));
      try (MlflowServer s = connect("http://127.0.0.1:" + silent.getLocalPort(), slow)) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> s.experimentId("bc"))
            .isInstanceOfSatisfying(
                TrackingException.class, e -> assertThat(e.unreachable()).isTrue())
            .hasMessage(
                "looking up experiment 'bc': no answer from http://127.0.0.1:"
                    + silent.getLocalPort()
                    + " within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      }
      assertThat(held).as("connections: one try, not retried").hasSize(1);
      for (Socket h : held) {
        h.close();
      }
    }
  }

  @Test
  void anAnswerWhoseBodyNeverComesIsNoAnswerEither() throws Exception {
    try (ServerSocket stalling = new ServerSocket(0)) {
      Thread t =
          new Thread(
              () -> {
                try (Socket c = stalling.accept()) {
                  InputStream in = c.getInputStream();
                  in.read(new byte[8192]);
                  OutputStream out = c.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                              + "Content-Length: 1000\r\n\r\nabc")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  Thread.sleep(30_000);
                } catch (IOException | InterruptedException over) {
                  // the test is over
                }
              });
      t.setDaemon(true);
      t.start();
      Retry slow = new Retry(4, Duration.ofMillis(1), Duration.ofSeconds(1));
      try (MlflowServer s = connect("http://127.0.0.1:" + stalling.getLocalPort(), slow)) {
        assertThatThrownBy(() -> s.getRun("r1"))
            .isInstanceOfSatisfying(
                TrackingException.class, e -> assertThat(e.unreachable()).isTrue())
            .hasMessageContaining("reading run r1: no answer from");
      }
      t.interrupt();
    }
  }

  @Test
  void anUnreachableServerIsNamedWithoutItsCredentials() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // Nothing listens on the port now: the real client gets "connection refused".
    try (MlflowServer s =
        connect(
            "http://alice:s3cret@127.0.0.1:" + port,
            new Retry(2, Duration.ofMillis(1), Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> s.experimentId("bc"))
          .isInstanceOfSatisfying(
              TrackingException.class, e -> assertThat(e.unreachable()).isTrue())
          .hasMessageContaining("looking up experiment 'bc' at http://127.0.0.1:" + port)
          .hasMessageContaining("after 2 attempts: cannot connect")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void aTokenIsSentAsBearerByEveryCall() throws Exception {
    // MLflow's open-source server has no token auth to test against (MlflowIT uses its basic-auth
    // app); this server only records the Authorization header of each request.
    String uri =
        serve(
            (path, body, n) ->
                new Answer(
                    200,
                    path.endsWith("/experiments/search")
                        ? "{\"experiments\": []}"
                        : "{\"experiment_id\": \"7\"}"));
    try (MlflowServer s =
        MlflowServer.connect(uri, Map.of("MLFLOW_TRACKING_TOKEN", "tok-123"), FAST)) {
      assertThat(s.experimentId("bc")).isEqualTo("7");
      s.download(
          new MlflowServer.ServerRun("7", "r1", "mlflow-artifacts:/7/r1/artifacts"), "eval/x");
    }
    assertThat(seen)
        .containsExactly(
            "POST /api/2.0/mlflow/experiments/search Bearer tok-123",
            "POST /api/2.0/mlflow/experiments/create Bearer tok-123",
            "GET /api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/eval/x Bearer tok-123");
  }

  @Test
  void credentialsInTheUriBecomeBasicAuthAndAreNeverShown() throws Exception {
    String uri = serve((path, body, n) -> new Answer(200, "{}"));
    String host = uri.substring("http://".length());
    try (MlflowServer s = connect("http://bob:s3cr|t@x@" + host + "/", FAST)) {
      assertThat(s.display()).isEqualTo("http://" + host);
      s.download(new MlflowServer.ServerRun("7", "r1", "mlflow-artifacts:/7/r1/artifacts"), "a");
    }
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString("bob:s3cr|t@x".getBytes(StandardCharsets.UTF_8));
    assertThat(seen)
        .containsExactly("GET /api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/a Basic " + basic);
    assertThat(MlflowServer.redact("http://bob:p@ss@host:5000/x")).isEqualTo("http://host:5000/x");
    assertThat(MlflowServer.redact("https://u:p@mlflow.example.com/x"))
        .isEqualTo("https://mlflow.example.com/x");
  }

  @Test
  void aRetriedVersionCreateFindsTheVersionItsFirstTryCreated_andSendsNothingTwice()
      throws Exception {
    // The first create "fails" after the server committed it (a 503 from a proxy that timed out
    // waiting, say); the registry's search then holds the version with this call's request tag.
    List<String> creates = new CopyOnWriteArrayList<>();
    String uri =
        serve(
            (path, body, n) -> {
              if (path.contains("/registered-models/search")) {
                return new Answer(200, "{\"registered_models\": [{\"name\": \"bc\"}]}");
              }
              if (path.endsWith("/model-versions/create")) {
                creates.add(body);
                return new Answer(503, "upstream timed out");
              }
              if (path.contains("/model-versions/search")) {
                String tag = requestTag(creates.get(0));
                return new Answer(
                    200,
                    "{\"model_versions\": [{\"name\": \"bc\", \"version\": \"1\", \"run_id\":"
                        + " \"r1\", \"status\": \"READY\", \"source\": \"s\", \"tags\": [{\"key\":"
                        + " \"mlci.request_id\", \"value\": \"other\"}]}, {\"name\": \"bc\","
                        + " \"version\": \"2\", \"run_id\": \"r1\", \"status\": \"READY\","
                        + " \"source\": \"s\", \"tags\": [{\"key\": \"mlci.request_id\","
                        + " \"value\": \""
                        + tag
                        + "\"}]}]}");
              }
              return new Answer(404, "{}");
            });
    try (MlflowServer s = connect(uri, FAST)) {
      MlflowServer.ModelVersion v =
          s.register(
              "bc",
              new MlflowServer.ServerRun("1", "r1", "mlflow-artifacts:/1/r1/artifacts"),
              "model",
              Map.of("k", "v"));
      assertThat(v.version()).isEqualTo("2");
    }
    assertThat(creates).hasSize(1);
    assertThat(creates.get(0)).contains("\"key\":\"k\"").contains("mlci.request_id");
  }

  @Test
  void aRetriedRunCreateThatFindsNothingIsSentAgain() throws Exception {
    List<String> creates = new CopyOnWriteArrayList<>();
    String uri =
        serve(
            (path, body, n) -> {
              if (path.endsWith("/runs/create")) {
                creates.add(body);
                return creates.size() == 1
                    ? new Answer(500, "{\"error_code\": \"INTERNAL_ERROR\", \"message\": \"db\"}")
                    : new Answer(
                        200,
                        "{\"run\": {\"info\": {\"run_id\": \"r2\", \"experiment_id\": \"1\","
                            + " \"artifact_uri\": \"mlflow-artifacts:/1/r2/artifacts\"}}}");
              }
              return new Answer(200, "{\"runs\": []}");
            });
    try (MlflowServer s = connect(uri, FAST)) {
      assertThat(s.createRun("1", "bc@main", 5L, Map.of()).runId()).isEqualTo("r2");
    }
    assertThat(seen)
        .containsExactly(
            "POST /api/2.0/mlflow/runs/create",
            "POST /api/2.0/mlflow/runs/search",
            "POST /api/2.0/mlflow/runs/create");
    assertThat(requestTag(creates.get(1))).isEqualTo(requestTag(creates.get(0)));
  }

  private static String requestTag(String createBody) {
    var tags = tools.jackson.databind.json.JsonMapper.builder().build().readTree(createBody);
    for (var t : tags.path("tags")) {
      if (t.path("key").asString().equals("mlci.request_id")) {
        return t.path("value").asString();
      }
    }
    throw new AssertionError("no request tag in " + createBody);
  }

  @Test
  void anHtmlErrorPageIsShownAsABoundedExcerptOfItsText() {
    String page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style>"
            + "</head><body><h1>502 Bad Gateway</h1><p>The upstream server "
            + "x".repeat(5000)
            + "</p></body></html>";
    String shown = MlflowMessages.describe(new MlflowHttpError(502, "Bad Gateway", page));
    assertThat(shown)
        .startsWith("HTTP 502 502 Bad Gateway The upstream server xxx")
        .endsWith(" [...] (an HTML page of " + page.length() + " characters)")
        .doesNotContain("<")
        .doesNotContain("color:red");
    assertThat(shown.length()).isLessThan(MlflowMessages.EXCERPT + 100);
    assertThat(
            MlflowMessages.describe(new MlflowHttpError(400, "x", "Unsupported upgrade request.")))
        .isEqualTo("HTTP 400 Unsupported upgrade request");
  }

  @Test
  void unreachableIsToldApartFromAnAnswer() throws Exception {
    String uri = serve((path, body, n) -> new Answer(400, "no"));
    try (MlflowServer s = connect(uri, FAST)) {
      assertThatThrownBy(() -> s.getRun("r1"))
          .isInstanceOfSatisfying(
              TrackingException.class, e -> assertThat(e.unreachable()).isFalse());
    }
  }

  @Test
  void requestsAreHttp11_withoutAnUpgradeToH2c() throws Exception {
    List<String> protocols = new CopyOnWriteArrayList<>();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          protocols.add(
              exchange.getProtocol()
                  + " upgrade="
                  + exchange.getRequestHeaders().getFirst("Upgrade"));
          reply(
              exchange,
              new Answer(
                  200, "{\"run\": {\"info\": {\"run_id\": \"r1\", \"experiment_id\": \"1\"}}}"));
        });
    http.start();
    try (MlflowServer s = connect("http://127.0.0.1:" + http.getAddress().getPort(), FAST)) {
      assertThat(s.createRun("1", "r", 0L, Map.of()).runId()).isEqualTo("r1");
    }
    assertThat(protocols).containsExactly("HTTP/1.1 upgrade=null");
  }
}
