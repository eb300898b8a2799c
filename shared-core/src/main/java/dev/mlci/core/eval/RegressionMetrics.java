package dev.mlci.core.eval;

import dev.mlci.core.config.Metric;
import java.util.List;

/**
 * Regression metrics with scikit-learn's definitions: RMSE ({@code root_mean_squared_error}), MAE,
 * and R² ({@code r2_score}: 1.0 for a perfect fit of a constant target, 0.0 for an imperfect one).
 * Optional integer weights as in {@link ClassificationMetrics}.
 */
public final class RegressionMetrics {
  private RegressionMetrics() {}

  public static MetricValues compute(List<Metric> wanted, RegressionPredictions p, int[] weights) {
    double[] y = p.truth();
    double[] f = p.predicted();
    double total = 0;
    double mean = 0;
    for (int i = 0; i < y.length; i++) {
      long w = ClassificationMetrics.weight(weights, i);
      total += w;
      mean += w * y[i];
    }
    mean /= total;
    double squares = 0;
    double absolute = 0;
    double variance = 0;
    for (int i = 0; i < y.length; i++) {
      long w = ClassificationMetrics.weight(weights, i);
      double e = y[i] - f[i];
      squares += w * e * e;
      absolute += w * Math.abs(e);
      variance += w * (y[i] - mean) * (y[i] - mean);
    }
    MetricValues out = new MetricValues();
    for (Metric m : wanted) {
      switch (m) {
        case RMSE -> out.put(m.id(), Math.sqrt(squares / total));
        case MAE -> out.put(m.id(), absolute / total);
        case R2 ->
            out.put(m.id(), variance == 0 ? (squares == 0 ? 1.0 : 0.0) : 1 - squares / variance);
        default -> throw new IllegalArgumentException(m.id() + " is not a regression metric");
      }
    }
    return out;
  }
}
