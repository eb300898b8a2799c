package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The default {@code logistic} (binary and multinomial) and {@code linear} trainers reach
 * scikit-learn's solutions on every example data set: {@code
 * bench/train-evaluate/examples_vs_sklearn.py} trains each example with the packaged CLI and fits
 * scikit-learn's {@code LogisticRegression} / {@code LinearRegression} on the same training rows
 * and features, then scores both on the same test rows. ROC AUC and log loss must agree within
 * 0.002 (the script's own check, its exit code), and the probabilities within 1e-3 of
 * scikit-learn's exact optimum (tol 1e-10). About 30 s: eight CLI runs.
 */
class LinearVsSklearnIT {
  @TempDir Path tmp;

  @Test
  void everyExample_matchesScikitLearn() throws Exception {
    String python =
        Tools.pythonWith("sklearn, pandas, numpy", "scikit-learn and pandas are the referee here");
    Path jar = Path.of(System.getProperty("mlci.jar", "../action-runner/target/mlci.jar"));
    Path out = tmp.resolve("rows.json");
    Tools.Result r =
        Tools.exec(
            List.of(
                python,
                Path.of(System.getProperty("mlci.examples", "."))
                    .resolve("../bench/train-evaluate/examples_vs_sklearn.py")
                    .toString(),
                jar.toString(),
                tmp.resolve("work").toString(),
                "--json",
                out.toString()),
            Path.of("."));
    System.out.println(r.out());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();

    JsonNode rows = Tools.JSON.readTree(out.toFile());
    assertThat(rows.size()).isEqualTo(5);
    for (JsonNode row : rows) {
      String example = row.path("example").asString();
      if (row.has("mlci_roc_auc")) {
        assertThat(row.path("mlci_roc_auc").asDouble())
            .as(example)
            .isCloseTo(row.path("sklearn_roc_auc").asDouble(), within(0.002));
        assertThat(row.path("mlci_log_loss").asDouble())
            .as(example)
            .isCloseTo(row.path("sklearn_log_loss").asDouble(), within(0.002));
        assertThat(row.path("max_proba_difference_vs_exact").asDouble())
            .as(example)
            .isLessThan(1e-3);
        assertThat(row.path("iterations").asInt()).as(example).isPositive();
      } else {
        assertThat(row.path("max_prediction_difference").asDouble()).as(example).isLessThan(1e-6);
      }
    }
  }
}
