package dev.mlci.core.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Computed metrics. A metric can be undefined on a test set (ROC AUC when the test set holds one
 * class, log loss for a model without probabilities); then it has no value but a reason.
 */
public final class MetricValues {
  private final Map<String, Double> values = new LinkedHashMap<>();
  private final Map<String, String> undefined = new LinkedHashMap<>();

  /**
   * Records a value; a non-finite one (from infinite or NaN predictions) is recorded as undefined.
   */
  void put(String metric, double value) {
    if (Double.isFinite(value)) {
      values.put(metric, value);
    } else {
      undefined.put(
          metric, "not a finite number (" + value + "): some predictions are infinite or NaN");
    }
  }

  void undefined(String metric, String reason) {
    undefined.put(metric, reason);
  }

  /** Defined metrics, in report order. */
  public Map<String, Double> values() {
    return Collections.unmodifiableMap(values);
  }

  /** Undefined metrics and why. */
  public Map<String, String> undefined() {
    return Collections.unmodifiableMap(undefined);
  }

  public Optional<Double> get(String metric) {
    return Optional.ofNullable(values.get(metric));
  }
}
