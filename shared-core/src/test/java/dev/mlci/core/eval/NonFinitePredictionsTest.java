package dev.mlci.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NonFinitePredictionsTest {
  @Test
  void nanRegressionPrediction_isNamedByExample() {
    RegressionPredictions p =
        new RegressionPredictions(
            List.of("a", "b"), new double[] {1, 2}, new double[] {1.5, Double.NaN});

    assertThat(ModelEvaluation.nonFinite(p)).hasValue("example 'b': predicted NaN");
  }

  @Test
  void infiniteScore_isNamedByExampleAndClass() {
    ClassificationPredictions p =
        new ClassificationPredictions(
            List.of("x", "y"),
            List.of("no", "yes"),
            new int[] {0, 1},
            new int[] {0, 1},
            new double[][] {{0.9, 0.1}, {Double.NEGATIVE_INFINITY, 1}},
            false,
            1);

    assertThat(ModelEvaluation.nonFinite(p))
        .hasValue("example 'y': score -Infinity for class 'no'");
  }

  @Test
  void finitePredictions_pass() {
    RegressionPredictions p =
        new RegressionPredictions(List.of("a"), new double[] {1}, new double[] {1.5});

    assertThat(ModelEvaluation.nonFinite(p)).isEmpty();
  }
}
