package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * mlci against real MLflow servers that fail it, each test with its own {@code mlflow server}: one
 * that goes away in the middle of a run, on uvicorn's h11 parser, and one guarded by MLflow's
 * basic-auth app. Split from {@link MlflowIT}, whose shared server these tests do not use.
 */
class MlflowFaultsIT {
  /** Why this class's tests are skipped (their tools are missing), or null. */
  static String skip;

  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws Exception {
    skip = Tools.skipReason(Tools::mlflowPython);
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  @Test
  void onUvicornsH11_runsAreRecorded_andAServerOutageMidRunKeepsResultsAndTheLocalRecord()
      throws Exception {
    Path repo = Tools.copyExample("breast-cancer", tmp);
    Map<String, String> env;
    String trainRun;
    try (LocalMlflow outage =
        LocalMlflow.start(tmp.resolve("outage-server"), LocalMlflow.Parser.H11)) {
      MlflowIT.runsAreRecordedOn(outage, LocalMlflow.Parser.H11, tmp);
      env = Map.of("MLFLOW_TRACKING_URI", outage.uri());
      Tools.Result train =
          Tools.mlci(env, "train", repo.toString(), "--json", "--progress", "none");
      assertThat(train.exit()).as(train.err()).isZero();
      assertThat(train.json().at("/train/tracking/server_run").asString()).startsWith(outage.uri());
      trainRun = train.json().at("/train/tracking/run_id").asString();
    }

    // The server is gone between train and evaluate: evaluate warns and keeps everything.
    Tools.Result evaluate = Tools.mlci(env, "evaluate", repo.toString(), "--progress", "none");
    assertThat(evaluate.exit()).as(evaluate.err()).isZero();
    assertThat(evaluate.err())
        .contains("warning: MLflow tracking failed: ")
        .contains("after 4 attempts: cannot connect")
        .contains("evaluate's results are in ")
        .contains("the run is recorded locally in ")
        .doesNotContain("\tat ");
    assertThat(repo.resolve("mlci-out/eval/metrics.json")).exists();
    // The model keeps its link to the server run train started, for the steps after the outage.
    JsonNode link = Tools.JSON.readTree(repo.resolve("mlci-out/tracking.json").toFile());
    assertThat(link.at("/server/run_id").asString()).isEqualTo(trainRun);
    JsonNode local =
        Tools.mlflowCheck("local", repo.resolve("mlci-out/mlruns").toString(), "breast-cancer");
    assertThat(local.size()).isEqualTo(1);
    assertThat(local.get(0).at("/metrics/roc_auc").asDouble()).isGreaterThan(0.98);
    assertThat(local.get(0).at("/metrics/training_examples").asDouble()).isEqualTo(450.0);

    // With tracking required, the same outage fails the step with exit 3; its results stay.
    Files.writeString(
        repo.resolve("ml.yaml"),
        Files.readString(repo.resolve("ml.yaml")) + "tracking:\n  required: true\n");
    Files.delete(repo.resolve("mlci-out/eval/metrics.json"));
    Tools.Result required = Tools.mlci(env, "evaluate", repo.toString(), "--progress", "none");
    assertThat(required.exit()).as(required.err()).isEqualTo(3);
    assertThat(required.err())
        .contains("MLflow tracking failed and tracking.required is true")
        .contains("cannot connect")
        .contains("Check that the server is up and reachable")
        .contains("set tracking.required: false to only warn")
        .doesNotContain("\tat ");
    assertThat(repo.resolve("mlci-out/eval/metrics.json")).exists();
  }

  @Test
  void credentialsComeFromMlflowsVariables_andAreNeverPrinted() throws Exception {
    Path repo = Tools.copyExample("diabetes", tmp);
    String password = "s3cret-Adm1n-" + Long.toHexString(System.nanoTime());
    try (LocalMlflow guarded = LocalMlflow.start(tmp.resolve("auth-server"), password)) {
      Map<String, String> env =
          Map.of(
              "MLFLOW_TRACKING_URI",
              guarded.uri(),
              "MLFLOW_TRACKING_USERNAME",
              "admin",
              "MLFLOW_TRACKING_PASSWORD",
              password);
      Tools.Result run = Tools.mlci(env, "run", repo.toString(), "--json", "--progress", "none");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.err()).doesNotContain("warning");
      String runId = run.json().at("/evaluate/tracking/run_id").asString();
      JsonNode tracked = Tools.mlflowCheck(env, "run", guarded.uri(), runId);
      assertThat(tracked.at("/metrics/r2").asDouble()).isGreaterThan(0.38);
      assertThat(MlflowIT.strings(tracked.path("artifacts")))
          .contains("model/MLmodel", "eval/metrics.json");

      Map<String, String> wrong = new HashMap<>(env);
      wrong.put("MLFLOW_TRACKING_PASSWORD", "not-" + password);
      Tools.Result refused = Tools.mlci(wrong, "evaluate", repo.toString(), "--progress", "none");
      assertThat(refused.exit()).as(refused.err()).isZero();
      assertThat(refused.err())
          .contains("warning: MLflow tracking failed: ")
          .contains("HTTP 401")
          .contains(
              "check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD")
          .doesNotContain(password);
      assertThat(run.out() + run.err() + refused.out()).doesNotContain(password);
    }
  }
}
