package dev.mlci.core.eval;

import java.util.List;
import java.util.Objects;

/**
 * Per-example predictions of a regression model on the test set.
 *
 * @param ids example ids
 * @param truth per example, the true value
 * @param predicted per example, the predicted value
 */
public record RegressionPredictions(List<String> ids, double[] truth, double[] predicted)
    implements Predictions {
  public RegressionPredictions {
    ids = List.copyOf(ids);
    Objects.requireNonNull(truth, "truth");
    Objects.requireNonNull(predicted, "predicted");
    if (truth.length != ids.size() || predicted.length != ids.size()) {
      throw new IllegalArgumentException(
          "ids, truth and predicted must have one entry per example: "
              + ids.size()
              + ", "
              + truth.length
              + ", "
              + predicted.length);
    }
  }

  @Override
  public int size() {
    return ids.size();
  }
}
