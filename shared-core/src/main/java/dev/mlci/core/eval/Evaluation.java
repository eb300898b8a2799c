package dev.mlci.core.eval;

import java.util.List;
import java.util.Objects;

/**
 * A model scored on the test set.
 *
 * @param predictions per-example predictions
 * @param metrics the configured metrics
 * @param unseenLevels test cells whose category the model never saw in training (encoded as all
 *     zeros)
 */
public record Evaluation(Predictions predictions, MetricValues metrics, List<String> unseenLevels) {
  public Evaluation {
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(metrics, "metrics");
    unseenLevels = List.copyOf(unseenLevels);
  }
}
