package dev.mlci.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
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
  void credentialsComeFromMlflowsVariables() {
    assertThat(MlflowServer.redact("https://u:p@mlflow.example.com/x"))
        .isEqualTo("https://mlflow.example.com/x");
  }
}
