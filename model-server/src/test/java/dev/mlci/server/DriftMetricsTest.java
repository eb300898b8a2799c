package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.format.profile.DataProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served model's drift metrics (issue 19, item 5), through the real server over HTTP: {@code
 * example-repos/src/test/python/drift_metrics_check.py} sends the diabetes rows with 'bmi' shifted
 * by 1.5 training standard deviations and every ninth 'sex' a level training never saw, parses
 * {@code /metrics} with the official Prometheus Python client and checks each {@code
 * mlci_feature_drift} against scipy (1e-9), the unseen, missing and row counts exactly. Skipped
 * with a message without Python's prometheus-client, scipy and pandas, unless MLCI_REQUIRE_PYTHON.
 */
class DriftMetricsTest {
  @TempDir Path tmp;

  @Test
  void aShiftedBatch_isMeasuredAsScipyMeasuresIt_onTheMetricsEndpoint() throws Exception {
    String python = System.getenv().getOrDefault("MLCI_PYTHON", "python3");
    V2ClientsTest.requireModules(
        python,
        "import prometheus_client, scipy, numpy, pandas",
        "the drift metrics check",
        "python3 -m pip install -r .ci/requirements.txt");
    ServedModels.Trained t = ServedModels.shared("diabetes");
    assertThat(t.modelDir().resolve(DataProfile.FILE)).isRegularFile();
    LoadedModel model = ModelLoader.load(t.modelDir(), 2);
    assertThat(model.training()).isPresent();
    ServerMetrics metrics = new ServerMetrics();
    metrics.modelLoaded(model);
    ModelServer server =
        new ModelServer(ServerConfig.of("127.0.0.1", 0, 10 << 20, 100_000), model, metrics, "t");
    server.start();
    try {
      Path out = tmp.resolve("out.json");
      Process p =
          new ProcessBuilder(
                  List.of(
                      python,
                      V2ClientsTest.examples()
                          .resolve("src/test/python/drift_metrics_check.py")
                          .toString(),
                      "--url",
                      "http://127.0.0.1:" + server.port(),
                      "--model-dir",
                      t.modelDir().toString(),
                      "--data",
                      V2ClientsTest.examples().resolve("diabetes/data/diabetes.csv").toString(),
                      "--model",
                      model.name(),
                      "--shift",
                      "bmi",
                      "--category",
                      "sex"))
              .redirectOutput(out.toFile())
              .redirectError(tmp.resolve("err.txt").toFile())
              .start();
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
      String report = Files.readString(out, StandardCharsets.UTF_8);
      System.out.println(report);
      assertThat(p.exitValue())
          .as(report + Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8))
          .isZero();
      // The shift is far beyond the data gate's threshold, unseen 'sex' levels too.
      assertThat(report).contains("\"failed\": []").contains("normed_wasserstein(bmi) on its bins");
      String scrape = new String(metrics.scrape(), StandardCharsets.UTF_8);
      assertThat(scrape)
          .containsPattern(
              "mlci_feature_drift\\{feature=\"bmi\",model=\"diabetes\","
                  + "statistic=\"normed_wasserstein\"} 1\\.[3-6]")
          .contains("mlci_unseen_category_total{feature=\"sex\",model=\"diabetes\"} 50");
    } finally {
      server.shutdown();
    }
  }
}
