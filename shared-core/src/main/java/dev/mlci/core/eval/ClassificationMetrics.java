package dev.mlci.core.eval;

import dev.mlci.core.config.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * Classification metrics with scikit-learn's definitions (cross-checked against {@code
 * sklearn.metrics} to 1e-9).
 *
 * <p>Every function takes optional integer weights (how many times each example counts; {@code
 * null} means once), so the same code serves a plain evaluation and a bootstrap resample.
 *
 * <ul>
 *   <li>Macro precision, recall and F1 average over the classes present in the truth or the
 *       predictions; a class never predicted has precision 0, a class never true has recall 0
 *       (sklearn's {@code zero_division=0}).
 *   <li>Balanced accuracy is the mean recall over the classes present in the truth.
 *   <li>ROC AUC is the Mann-Whitney statistic with ties counted half (equal to the trapezoidal area
 *       under the ROC curve); multiclass is one-vs-rest, macro-averaged, and undefined unless every
 *       class is in the truth.
 *   <li>Log loss clips probabilities to [eps, 1 - eps] with eps the float64 machine epsilon, as
 *       sklearn does.
 * </ul>
 */
public final class ClassificationMetrics {
  /** The float64 machine epsilon, numpy's {@code finfo(float64).eps}. */
  static final double EPS = Math.ulp(1.0);

  private ClassificationMetrics() {}

  /**
   * Computes {@code wanted} on {@code p}; a metric undefined on these predictions is recorded with
   * the reason.
   */
  public static MetricValues compute(
      List<Metric> wanted, ClassificationPredictions p, int[] weights) {
    MetricValues out = new MetricValues();
    for (Metric m : wanted) {
      double value = MetricFunction.of(m, p).value(weights);
      if (Double.isNaN(value)) {
        out.undefined(m.id(), whyUndefined(m, p, weights));
      } else {
        out.put(m.id(), value);
      }
    }
    return out;
  }

  private static String whyUndefined(Metric m, ClassificationPredictions p, int[] weights) {
    if (m == Metric.LOG_LOSS && !p.probabilities()) {
      return "the model produces decision scores, not probabilities";
    }
    if (m == Metric.ROC_AUC) {
      if (p.classes().size() == 2) {
        return "the test set holds only one class";
      }
      long[][] cm = confusion(p, weights);
      for (int c = 0; c < cm.length; c++) {
        if (actual(cm, c) == 0) {
          return "one-vs-rest ROC AUC needs every class in the test set; '"
              + p.classes().get(c)
              + "' is absent";
        }
      }
    }
    return "not a number on these predictions";
  }

  /** The confusion matrix: {@code cm[truth][predicted]} counts (weighted). */
  public static long[][] confusion(ClassificationPredictions p, int[] weights) {
    int k = p.classes().size();
    long[][] cm = new long[k][k];
    for (int i = 0; i < p.size(); i++) {
      cm[p.truth()[i]][p.predicted()[i]] += weight(weights, i);
    }
    return cm;
  }

  static double accuracy(long[][] cm) {
    long right = 0;
    long all = 0;
    for (int i = 0; i < cm.length; i++) {
      for (int j = 0; j < cm.length; j++) {
        all += cm[i][j];
        if (i == j) {
          right += cm[i][j];
        }
      }
    }
    return (double) right / all;
  }

  static double balancedAccuracy(long[][] cm) {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < cm.length; c++) {
      long support = actual(cm, c);
      if (support > 0) {
        sum += (double) cm[c][c] / support;
        present++;
      }
    }
    return sum / present;
  }

  enum Kind {
    PRECISION,
    RECALL,
    F1
  }

  /** Precision, recall and F1 of class {@code c}; 0 where the denominator is 0. */
  static double perClass(long[][] cm, int c, Kind kind) {
    long tp = cm[c][c];
    long predicted = predicted(cm, c);
    long actual = actual(cm, c);
    return switch (kind) {
      case PRECISION -> predicted == 0 ? 0.0 : (double) tp / predicted;
      case RECALL -> actual == 0 ? 0.0 : (double) tp / actual;
      case F1 -> (predicted + actual) == 0 ? 0.0 : 2.0 * tp / (predicted + actual);
    };
  }

  /** Examples predicted as class {@code c}. */
  static long predicted(long[][] cm, int c) {
    long sum = 0;
    for (long[] row : cm) {
      sum += row[c];
    }
    return sum;
  }

  /** Examples of true class {@code c} (its support). */
  public static long actual(long[][] cm, int c) {
    return Arrays.stream(cm[c]).sum();
  }

  /**
   * The mean over the classes present in the truth or the predictions, as scikit-learn averages
   * "macro".
   */
  static double macro(long[][] cm, Kind kind) {
    double sum = 0;
    int labels = 0;
    for (int c = 0; c < cm.length; c++) {
      if (predicted(cm, c) + actual(cm, c) > 0) {
        sum += perClass(cm, c, kind);
        labels++;
      }
    }
    return sum / labels;
  }

  /**
   * The examples sorted by their score for one class, with the boundaries of groups of tied scores:
   * computed once, then any weighting of the examples (a bootstrap resample) gets its ROC AUC in
   * one pass.
   */
  static final class RankedScores {
    private final int[] order;
    private final int[]
        positive; // 1 for an example of the class, else 0: arithmetic instead of a branch
    private final int[] groupEnds;

    RankedScores(ClassificationPredictions p, int c) {
      int n = p.size();
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = p.scores()[i][c];
      }
      order = IndexSort.byValue(s);
      positive = new int[n];
      int[] ends = new int[n];
      int groups = 0;
      for (int k = 0; k < n; k++) {
        positive[k] = p.truth()[order[k]] == c ? 1 : 0;
        if (k > 0 && s[order[k]] != s[order[k - 1]]) {
          ends[groups++] = k;
        }
      }
      if (n > 0) {
        ends[groups++] = n;
      }
      groupEnds = Arrays.copyOf(ends, groups);
    }

    /** ROC AUC (ties count half) under {@code weights}; NaN when either side has no weight. */
    double auc(int[] weights) {
      double positives = 0;
      double negatives = 0;
      double area = 0; // sum over positives of (negatives ranked below + half the tied negatives)
      int start = 0;
      for (int end : groupEnds) {
        long groupAll = 0;
        long groupPos = 0;
        if (weights == null) {
          for (int k = start; k < end; k++) {
            groupAll++;
            groupPos += positive[k];
          }
        } else {
          for (int k = start; k < end; k++) {
            int w = weights[order[k]];
            groupAll += w;
            groupPos += (long) w * positive[k];
          }
        }
        long groupNeg = groupAll - groupPos;
        area += groupPos * (negatives + 0.5 * groupNeg);
        positives += groupPos;
        negatives += groupNeg;
        start = end;
      }
      return positives == 0 || negatives == 0 ? Double.NaN : area / (positives * negatives);
    }
  }

  /**
   * ROC AUC of class {@code c} against the rest, by its scores; NaN when the truth lacks either
   * side.
   */
  static double binaryAuc(ClassificationPredictions p, int c, int[] weights) {
    return new RankedScores(p, c).auc(weights);
  }

  static double logLoss(ClassificationPredictions p, int[] weights) {
    double sum = 0;
    double total = 0;
    for (int i = 0; i < p.size(); i++) {
      double prob = p.scores()[i][p.truth()[i]];
      prob = Math.min(Math.max(prob, EPS), 1 - EPS);
      long w = weight(weights, i);
      sum += -Math.log(prob) * w;
      total += w;
    }
    return sum / total;
  }

  static long weight(int[] weights, int i) {
    return weights == null ? 1 : weights[i];
  }
}
