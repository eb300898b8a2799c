package dev.mlci.core.eval;

import dev.mlci.core.config.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * One metric of one fixed set of predictions, evaluated under example weights: {@code weights[i]}
 * is how many times example {@code i} counts ({@code null}: once each). Whatever can be computed
 * once (the ranking of scores for ROC AUC) is, so each bootstrap resample costs one pass over the
 * examples.
 */
@FunctionalInterface
public interface MetricFunction {
  /**
   * The metric's value under {@code weights}; NaN when it is undefined (e.g. ROC AUC with one class
   * present).
   */
  double value(int[] weights);

  /** Prepares {@code metric} on {@code predictions}. */
  static MetricFunction of(Metric metric, Predictions predictions) {
    if (predictions instanceof RegressionPredictions r) {
      return w -> {
        MetricValues v = RegressionMetrics.compute(List.of(metric), r, w);
        return v.get(metric.id()).orElse(Double.NaN);
      };
    }
    ClassificationPredictions p = (ClassificationPredictions) predictions;
    int k = p.classes().size();
    return switch (metric) {
      case ROC_AUC -> {
        if (k == 2) {
          ClassificationMetrics.RankedScores ranked =
              new ClassificationMetrics.RankedScores(p, p.positive());
          yield ranked::auc;
        }
        ClassificationMetrics.RankedScores[] perClass = new ClassificationMetrics.RankedScores[k];
        for (int c = 0; c < k; c++) {
          perClass[c] = new ClassificationMetrics.RankedScores(p, c);
        }
        yield w -> {
          double sum = 0;
          for (ClassificationMetrics.RankedScores r : perClass) {
            sum += r.auc(w);
          }
          return sum / k;
        };
      }
      case LOG_LOSS ->
          p.probabilities() ? w -> ClassificationMetrics.logLoss(p, w) : w -> Double.NaN;
      case ACCURACY -> {
        // One branch-free pass: the share of weight on correctly predicted examples.
        int[] correct = new int[p.size()];
        for (int i = 0; i < correct.length; i++) {
          correct[i] = p.truth()[i] == p.predicted()[i] ? 1 : 0;
        }
        yield w -> {
          if (w == null) {
            return (double) Arrays.stream(correct).sum() / correct.length;
          }
          long right = 0;
          long all = 0;
          for (int i = 0; i < correct.length; i++) {
            right += (long) w[i] * correct[i];
            all += w[i];
          }
          return (double) right / all;
        };
      }
      case BALANCED_ACCURACY ->
          w -> ClassificationMetrics.balancedAccuracy(ClassificationMetrics.confusion(p, w));
      case PRECISION_MACRO ->
          w ->
              ClassificationMetrics.macro(
                  ClassificationMetrics.confusion(p, w), ClassificationMetrics.Kind.PRECISION);
      case RECALL_MACRO ->
          w ->
              ClassificationMetrics.macro(
                  ClassificationMetrics.confusion(p, w), ClassificationMetrics.Kind.RECALL);
      case F1_MACRO ->
          w ->
              ClassificationMetrics.macro(
                  ClassificationMetrics.confusion(p, w), ClassificationMetrics.Kind.F1);
      default ->
          throw new IllegalArgumentException(metric.id() + " is not a classification metric");
    };
  }
}
