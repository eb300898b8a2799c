package dev.mlci.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The retry policy around every server call. The calls themselves are tested against a real MLflow
 * server in MlflowIT.
 */
class MlflowServerTest {
  private static final Retry FAST = new Retry(4, Duration.ofMillis(1), Duration.ofSeconds(5));

  private static MlflowServer server(Retry retry) {
    return MlflowServer.connect("http://127.0.0.1:9", Map.of(), retry);
  }

  @Test
  void connectionFailuresAndServerErrorsAreRetried_thenReported() {
    AtomicInteger calls = new AtomicInteger();
    try (MlflowServer s = server(FAST)) {
      assertThatThrownBy(
              () ->
                  s.call(
                      "logging metrics",
                      () -> {
                        calls.incrementAndGet();
                        throw new MlflowHttpException(503, "Service Unavailable", "busy");
                      }))
          .isInstanceOf(TrackingException.class)
          .hasMessage(
              "logging metrics at http://127.0.0.1:9 failed after 4 attempts: HTTP 503 busy");
    }
    assertThat(calls).hasValue(4);
  }

  @Test
  void aFailureThatPassesIsRetriedUntilItDoes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (MlflowServer s = server(FAST)) {
      String r =
          s.call(
              "x",
              () -> {
                if (calls.incrementAndGet() < 3) {
                  throw new IOException("Connection reset");
                }
                return "ok";
              });
      assertThat(r).isEqualTo("ok");
    }
    assertThat(calls).hasValue(3);
  }

  @Test
  void aRefusalIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    try (MlflowServer s = server(FAST)) {
      assertThatThrownBy(
              () ->
                  s.call(
                      "reading alias",
                      () -> {
                        calls.incrementAndGet();
                        throw new MlflowHttpException(
                            403,
                            "Forbidden",
                            "{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"no.\"}");
                      }))
          .isInstanceOf(TrackingException.class)
          .satisfies(e -> assertThat(((TrackingException) e).refused()).isTrue())
          .hasMessageContaining("HTTP 403 PERMISSION_DENIED no")
          .hasMessageContaining("check MLFLOW_TRACKING_TOKEN");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aCallWithNoAnswerIsAbandonedAtTheTimeout() {
    Retry slow = new Retry(4, Duration.ofMillis(1), Duration.ofMillis(200));
    try (MlflowServer s = server(slow)) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  s.call(
                      "creating a run",
                      () -> {
                        Thread.sleep(60_000);
                        return null;
                      }))
          .hasMessageContaining("no answer from http://127.0.0.1:9 within 0 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
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
        MlflowServer.connect(
            "http://alice:s3cret@127.0.0.1:" + port,
            Map.of(),
            new Retry(2, Duration.ofMillis(1), Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> s.experimentId("bc"))
          .isInstanceOf(TrackingException.class)
          .hasMessageContaining("looking up experiment 'bc' at http://127.0.0.1:" + port)
          .hasMessageContaining("after 2 attempts: cannot connect")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void aTokenIsSentAsBearerByBothTheClientAndTheArtifactCalls() throws Exception {
    // MLflow's open-source server has no token auth to test against (MlflowIT uses its basic-auth
    // app); this server only records the Authorization header of each request.
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              exchange.getRequestURI().getPath().endsWith("/experiments/search")
                  ? "{\"experiments\": []}".getBytes(StandardCharsets.UTF_8)
                  : "{\"experiment_id\": \"7\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    String uri = "http://127.0.0.1:" + http.getAddress().getPort();
    try (MlflowServer s =
        MlflowServer.connect(uri, Map.of("MLFLOW_TRACKING_TOKEN", "tok-123"), FAST)) {
      assertThat(s.experimentId("bc")).isEqualTo("7");
      s.download(
          new MlflowServer.ServerRun("7", "r1", "mlflow-artifacts:/7/r1/artifacts"), "eval/x");
    } finally {
      http.stop(0);
    }
    assertThat(seen)
        .containsExactly(
            "/api/2.0/mlflow/experiments/search Bearer tok-123",
            "/api/2.0/mlflow/experiments/create Bearer tok-123",
            "/api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/eval/x Bearer tok-123");
  }

  /** A local server that records each request's path and Authorization, and answers by path. */
  private static HttpServer recorder(
      List<String> seen, java.util.function.Function<String, Integer> status) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          seen.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              (path.endsWith("/registered-models/search")
                      ? "{\"registered_models\": [{\"name\": \"bc\"}]}"
                      : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.apply(path), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    return http;
  }

  @Test
  void credentialsInTheUriBecomeBasicAuthAndAreNeverShown() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer http = recorder(seen, path -> 200);
    String host = "127.0.0.1:" + http.getAddress().getPort();
    try (MlflowServer s =
        MlflowServer.connect("http://bob:s3cr|t@x@" + host + "/", Map.of(), FAST)) {
      assertThat(s.display()).isEqualTo("http://" + host);
      s.download(new MlflowServer.ServerRun("7", "r1", "mlflow-artifacts:/7/r1/artifacts"), "a");
    } finally {
      http.stop(0);
    }
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString("bob:s3cr|t@x".getBytes(StandardCharsets.UTF_8));
    assertThat(seen)
        .containsExactly("/api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/a Basic " + basic);
    assertThat(MlflowServer.redact("http://bob:p@ss@host:5000/x")).isEqualTo("http://host:5000/x");
  }

  @Test
  void aCreateThatFailedOnTheServerIsNotSentAgain() throws Exception {
    // A 503 after the server may have committed the version: sending it again could register the
    // model twice. (Idempotent calls, such as logging metrics, are retried: see above.)
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer http = recorder(seen, path -> path.endsWith("/model-versions/create") ? 503 : 200);
    try (MlflowServer s =
        MlflowServer.connect("http://127.0.0.1:" + http.getAddress().getPort(), Map.of(), FAST)) {
      assertThatThrownBy(
              () ->
                  s.register(
                      "bc",
                      new MlflowServer.ServerRun("1", "r1", "mlflow-artifacts:/1/r1/artifacts"),
                      "model",
                      Map.of()))
          .isInstanceOf(TrackingException.class)
          .hasMessageContaining("creating a version of 'bc'")
          .hasMessageContaining("HTTP 503");
    } finally {
      http.stop(0);
    }
    assertThat(seen.stream().filter(p -> p.contains("/model-versions/create"))).hasSize(1);
  }

  @Test
  void serverAddressesAreShownWithoutCredentials() {
    assertThat(MlflowServer.redact("https://u:p@mlflow.example.com/x"))
        .isEqualTo("https://mlflow.example.com/x");
  }

  @Test
  void anHtmlErrorPageIsShownAsABoundedExcerptOfItsText() {
    String page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style>"
            + "</head><body><h1>502 Bad Gateway</h1><p>The upstream server "
            + "x".repeat(5000)
            + "</p></body></html>";
    String shown = MlflowServer.describe(new MlflowHttpException(502, "Bad Gateway", page));
    assertThat(shown)
        .startsWith("HTTP 502 502 Bad Gateway The upstream server xxx")
        .endsWith(" [...] (an HTML page of " + page.length() + " characters)")
        .doesNotContain("<")
        .doesNotContain("color:red");
    assertThat(shown.length()).isLessThan(MlflowServer.EXCERPT + 100);
    assertThat(
            MlflowServer.describe(
                new MlflowHttpException(400, "x", "Unsupported upgrade request.")))
        .isEqualTo("HTTP 400 Unsupported upgrade request");
  }

  @Test
  void unreachableIsToldApartFromAnAnswer() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (MlflowServer s =
        MlflowServer.connect(
            "http://127.0.0.1:" + port,
            Map.of(),
            new Retry(1, Duration.ofMillis(1), Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> s.experimentId("bc"))
          .isInstanceOfSatisfying(
              TrackingException.class, e -> assertThat(e.unreachable()).isTrue());
    }
    try (MlflowServer s = server(FAST)) {
      assertThatThrownBy(
              () ->
                  s.call(
                      "x",
                      () -> {
                        throw new MlflowHttpException(400, "Bad Request", "no");
                      }))
          .isInstanceOfSatisfying(
              TrackingException.class, e -> assertThat(e.unreachable()).isFalse());
    }
  }

  @Test
  void requestsAreHttp11_withoutAnUpgradeToH2c() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    http.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getProtocol()
                  + " upgrade="
                  + exchange.getRequestHeaders().getFirst("Upgrade"));
          byte[] body =
              "{\"run\": {\"info\": {\"run_id\": \"r1\", \"experiment_id\": \"1\"}}}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    try (MlflowServer s =
        MlflowServer.connect("http://127.0.0.1:" + http.getAddress().getPort(), Map.of(), FAST)) {
      assertThat(s.createRun("1", "r", 0L, Map.of()).runId()).isEqualTo("r1");
    } finally {
      http.stop(0);
    }
    assertThat(seen).containsExactly("HTTP/1.1 upgrade=null");
  }
}
