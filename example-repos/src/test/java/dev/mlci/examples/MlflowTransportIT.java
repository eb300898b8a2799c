package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.io.Retry;
import dev.mlci.core.tracking.MlflowServer;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * mlci's MLflow transport against a real {@code mlflow server}, through {@link LosingProxy} (a
 * stand-in for a flaky network only: the server is real) that lets the server create something and
 * then loses its answer. A retried create must not create twice: what the server holds is read back
 * with MLflow's own Python client.
 */
class MlflowTransportIT {
  @TempDir static Path serverDir;

  static String skip;
  static LocalMlflow server;

  @TempDir Path tmp;

  private static final Retry RETRY = new Retry(4, Duration.ofMillis(50), Duration.ofSeconds(20));

  @BeforeAll
  static void startServer() throws Exception {
    skip = Tools.skipReason(Tools::mlflowPython);
    if (skip != null) {
      return;
    }
    server = LocalMlflow.start(serverDir);
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static int port() {
    return Integer.parseInt(server.uri().substring(server.uri().lastIndexOf(':') + 1));
  }

  @Test
  void createsWhoseAnswerIsLostAreRetriedWithoutCreatingTwice() throws Exception {
    try (LosingProxy proxy = new LosingProxy(port());
        MlflowServer s = MlflowServer.connect(proxy.uri(), Map.of(), RETRY)) {
      proxy.lose("/experiments/create", 1);
      proxy.lose("/runs/create", 1);
      proxy.lose("/runs/log-batch", 1);
      proxy.lose("/registered-models/create", 1);
      proxy.lose("/model-versions/create", 1);

      String experiment = s.experimentId("lossy");
      MlflowServer.ServerRun run = s.createRun(experiment, "lossy@main", 1_000L, Map.of("a", "b"));
      Path model = Files.createDirectories(tmp.resolve("model"));
      Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
      s.log(
          run,
          new RunData.Builder()
              .param("p", 1)
              .metric("m", 0.5, 0, 2_000L)
              .metric("nan", Double.NaN, 0, 2_000L)
              .artifact(model, "model")
              .build());
      s.terminate(run, RunStatus.FINISHED, 3_000L);
      MlflowServer.ModelVersion v = s.register("lossy-model", run, "model", Map.of("k", "v"));

      assertThat(proxy.lost)
          .as("each create's first answer was lost")
          .containsExactly(
              "/api/2.0/mlflow/experiments/create",
              "/api/2.0/mlflow/runs/create",
              "/api/2.0/mlflow/runs/log-batch",
              "/api/2.0/mlflow/registered-models/create",
              "/api/2.0/mlflow/model-versions/create");
      assertThat(count(proxy.requests, "/runs/create"))
          .as("the run was found by its request tag, not created again")
          .isEqualTo(1);
      assertThat(count(proxy.requests, "/model-versions/create")).isEqualTo(1);
      assertThat(count(proxy.requests, "/runs/search")).isEqualTo(1);
      assertThat(count(proxy.requests, "/model-versions/search")).isEqualTo(1);

      JsonNode held = Tools.mlflowCheck("count", server.uri(), "lossy", "lossy-model", "m");
      assertThat(strings(held.path("experiments"))).containsExactly(experiment);
      assertThat(held.path("runs").size()).as(held.toString()).isEqualTo(1);
      JsonNode only = held.path("runs").get(0);
      assertThat(only.path("run_id").asString()).isEqualTo(run.runId());
      assertThat(only.at("/tags/a").asString()).isEqualTo("b");
      assertThat(only.at("/tags/mlci.request_id").asString()).isNotEmpty();
      assertThat(only.path("history").size())
          .as("a retried log-batch leaves one point of the metric")
          .isEqualTo(1);
      assertThat(held.path("versions").size()).as(held.toString()).isEqualTo(1);
      assertThat(held.at("/versions/0/version").asString()).isEqualTo(v.version());
      assertThat(held.at("/versions/0/run_id").asString()).isEqualTo(run.runId());

      assertThat(only.path("status").asString()).isEqualTo("FINISHED");
      assertThat(only.at("/params/p").asString()).isEqualTo("1");
      assertThat(only.at("/metrics/m").asString()).isEqualTo("0.5");
      assertThat(only.at("/metrics/nan").asString()).as("NaN as MLflow reads it").isEqualTo("nan");
      assertThat(strings(only.path("artifacts"))).contains("model/MLmodel");
    }
  }

  @Test
  void aReadOfAnAliasAndAVersionGoesThroughTheSameTransport() throws Exception {
    try (MlflowServer s = MlflowServer.connect(server.uri(), Map.of(), RETRY)) {
      String experiment = s.experimentId("aliases");
      MlflowServer.ServerRun run = s.createRun(experiment, "a@main", 1_000L, Map.of());
      Path model = Files.createDirectories(tmp.resolve("m2"));
      Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
      s.log(run, new RunData.Builder().artifact(model, "model").build());
      MlflowServer.ModelVersion v = s.register("aliased", run, "model", Map.of());
      s.setAlias("aliased", "champion", v.version());
      assertThat(s.byAlias("aliased", "champion")).isEqualTo(v);
      assertThat(s.byVersion("aliased", v.version()).runId()).isEqualTo(run.runId());
      assertThat(s.getRun(run.runId())).isEqualTo(run);
      assertThat(
              new String(s.download(run, "model/MLmodel"), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("flavors: {}\n");
      JsonNode alias = Tools.mlflowCheck("alias", server.uri(), "aliased", "champion");
      assertThat(alias.path("version").asString()).isEqualTo(v.version());
    }
  }

  private static long count(List<String> paths, String suffix) {
    return paths.stream().filter(p -> p.endsWith(suffix)).count();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
