package dev.mlci.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.core.config.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases; the scikit-learn cross-check (example-repos) covers real and random data.
 */
class ClassificationMetricsTest {
  private static ClassificationPredictions binary(int[] truth, double[] positiveScore) {
    int n = truth.length;
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      predicted[i] = positiveScore[i] >= 0.5 ? 1 : 0;
      scores[i] = new double[] {1 - positiveScore[i], positiveScore[i]};
    }
    List<String> ids = java.util.stream.IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
    return new ClassificationPredictions(
        ids, List.of("no", "yes"), truth, predicted, scores, true, 1);
  }

  @Test
  void rocAuc_countsTiesAsHalf() {
    // Positives 0.8, 0.5; negatives 0.5, 0.2. Pairs: (0.8>0.5)1 (0.8>0.2)1 (0.5=0.5)0.5 (0.5>0.2)1
    // -> 3.5/4.
    ClassificationPredictions p = binary(new int[] {1, 1, 0, 0}, new double[] {0.8, 0.5, 0.5, 0.2});

    MetricValues v = ClassificationMetrics.compute(List.of(Metric.ROC_AUC), p, null);

    assertThat(v.get("roc_auc")).hasValue(0.875);
  }

  @Test
  void rocAuc_oneClassInTruth_isUndefinedWithReason() {
    ClassificationPredictions p = binary(new int[] {1, 1}, new double[] {0.8, 0.4});

    MetricValues v = ClassificationMetrics.compute(List.of(Metric.ROC_AUC), p, null);

    assertThat(v.values()).isEmpty();
    assertThat(v.undefined()).containsEntry("roc_auc", "the test set holds only one class");
  }

  @Test
  void weights_countAnExampleSeveralTimes() {
    ClassificationPredictions p = binary(new int[] {1, 0, 0}, new double[] {0.9, 0.7, 0.1});

    MetricValues once = ClassificationMetrics.compute(List.of(Metric.ACCURACY), p, null);
    MetricValues weighted =
        ClassificationMetrics.compute(List.of(Metric.ACCURACY), p, new int[] {1, 3, 0});

    assertThat(once.get("accuracy").orElseThrow()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(weighted.get("accuracy")).hasValue(0.25);
  }

  @Test
  void macroAverages_useZeroForAClassNeverPredicted() {
    // Truth: a a b c; predicted: a a a c. Class b: precision 0 (never predicted), recall 0.
    List<String> ids = List.of("1", "2", "3", "4");
    double[][] s = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {0, 0, 1}};
    ClassificationPredictions p =
        new ClassificationPredictions(
            ids,
            List.of("a", "b", "c"),
            new int[] {0, 0, 1, 2},
            new int[] {0, 0, 0, 2},
            s,
            true,
            -1);

    MetricValues v =
        ClassificationMetrics.compute(
            List.of(
                Metric.PRECISION_MACRO,
                Metric.RECALL_MACRO,
                Metric.F1_MACRO,
                Metric.BALANCED_ACCURACY),
            p,
            null);

    assertThat(v.get("precision_macro").orElseThrow())
        .isCloseTo((2.0 / 3 + 0 + 1) / 3, within(1e-15));
    assertThat(v.get("recall_macro").orElseThrow()).isCloseTo((1 + 0 + 1) / 3.0, within(1e-15));
    assertThat(v.get("f1_macro").orElseThrow()).isCloseTo((0.8 + 0 + 1) / 3, within(1e-15));
    assertThat(v.get("balanced_accuracy").orElseThrow()).isCloseTo(2.0 / 3, within(1e-15));
  }

  @Test
  void logLoss_clipsCertainWrongAnswers() {
    ClassificationPredictions p = binary(new int[] {1, 0}, new double[] {0.0, 0.0});

    double loss =
        ClassificationMetrics.compute(List.of(Metric.LOG_LOSS), p, null)
            .get("log_loss")
            .orElseThrow();

    assertThat(loss).isCloseTo(-Math.log(Math.ulp(1.0)) / 2, within(1e-12));
  }

  @Test
  void logLoss_withoutProbabilities_isUndefined() {
    ClassificationPredictions scores =
        new ClassificationPredictions(
            List.of("1", "2"),
            List.of("no", "yes"),
            new int[] {0, 1},
            new int[] {0, 1},
            new double[][] {{2, -2}, {-1, 1}},
            false,
            1);

    assertThat(ClassificationMetrics.compute(List.of(Metric.LOG_LOSS), scores, null).undefined())
        .containsKey("log_loss");
  }

  @Test
  void regression_matchesDefinitions() {
    RegressionPredictions p =
        new RegressionPredictions(
            List.of("1", "2", "3"), new double[] {1, 2, 3}, new double[] {1, 2, 5});

    MetricValues v =
        RegressionMetrics.compute(List.of(Metric.RMSE, Metric.MAE, Metric.R2), p, null);

    assertThat(v.get("rmse").orElseThrow()).isCloseTo(Math.sqrt(4.0 / 3), within(1e-15));
    assertThat(v.get("mae").orElseThrow()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(v.get("r2").orElseThrow()).isCloseTo(1 - 4.0 / 2, within(1e-15));
  }

  @Test
  void r2_constantTarget_followsSklearn() {
    RegressionPredictions perfect =
        new RegressionPredictions(List.of("1", "2"), new double[] {3, 3}, new double[] {3, 3});
    RegressionPredictions off =
        new RegressionPredictions(List.of("1", "2"), new double[] {3, 3}, new double[] {3, 4});

    assertThat(RegressionMetrics.compute(List.of(Metric.R2), perfect, null).get("r2"))
        .hasValue(1.0);
    assertThat(RegressionMetrics.compute(List.of(Metric.R2), off, null).get("r2")).hasValue(0.0);
  }
}
