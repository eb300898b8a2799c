package dev.mlci.core.gate;

import static dev.mlci.core.gate.GateEvaluator.MIN_EXAMPLES;
import static dev.mlci.core.gate.GateEvaluator.MIN_PER_CLASS;
import static dev.mlci.core.gate.MinimumEvidence.disagreements;
import static dev.mlci.core.gate.MinimumEvidence.tooFewPerClass;

import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * The gate's minimum-evidence guards: below {@value GateEvaluator#MIN_EXAMPLES} examples, {@value
 * GateEvaluator#MIN_PER_CLASS} of a class for ROC AUC, or {@value GateEvaluator#MIN_DISAGREEING}
 * examples on which the models differ, a bootstrap interval degenerates, so a check says how large
 * a change this test set cannot rule out instead.
 */
final class MinimumEvidence {
  private MinimumEvidence() {}

  static Optional<String> tooLittleForBounds(Metric metric, Predictions cand) {
    if (cand.size() < MIN_EXAMPLES) {
      return Optional.of(
          "too few examples: " + cand.size() + " (at least " + MIN_EXAMPLES + " are needed)");
    }
    return tooFewPerClass(metric, cand);
  }

  /** ROC AUC ranks positives against negatives: it needs some of each class. */
  static Optional<String> tooFewPerClass(Metric metric, Predictions p) {
    if (metric != Metric.ROC_AUC || !(p instanceof ClassificationPredictions c)) {
      return Optional.empty();
    }
    int[] count = new int[c.classes().size()];
    for (int t : c.truth()) {
      count[t]++;
    }
    int fewest = Integer.MAX_VALUE;
    String which = "";
    for (int k = 0; k < count.length; k++) {
      if (count[k] < fewest) {
        fewest = count[k];
        which = c.classes().get(k);
      }
    }
    if (fewest >= MIN_PER_CLASS) {
      return Optional.empty();
    }
    return Optional.of(
        "too few examples of class '"
            + which
            + "': "
            + fewest
            + "; ROC AUC needs at least "
            + MIN_PER_CLASS
            + " of each class to be told from noise");
  }

  /**
   * Examples on which some baseline replicate's output differs from some candidate replicate's (the
   * first seeds' models against each other, and every further seed against the first).
   */
  static int disagreements(List<Predictions> baselines, List<Predictions> candidates) {
    int most = disagreements(baselines.get(0), candidates.get(0));
    for (List<Predictions> side : List.of(baselines, candidates)) {
      for (int j = 1; j < side.size(); j++) {
        most = Math.max(most, disagreements(side.get(0), side.get(j)));
      }
    }
    return most;
  }

  /** Examples on which the two models' outputs (label and scores, or value) differ. */
  static int disagreements(Predictions a, Predictions b) {
    int n = 0;
    if (a instanceof ClassificationPredictions ca && b instanceof ClassificationPredictions cb) {
      for (int i = 0; i < ca.size(); i++) {
        if (ca.predicted()[i] != cb.predicted()[i]
            || !Arrays.equals(ca.scores()[i], cb.scores()[i])) {
          n++;
        }
      }
      return n;
    }
    RegressionPredictions ra = (RegressionPredictions) a;
    RegressionPredictions rb = (RegressionPredictions) b;
    for (int i = 0; i < ra.size(); i++) {
      if (Double.compare(ra.predicted()[i], rb.predicted()[i]) != 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * One-sided Clopper–Pearson upper bound at level {@code 1 - alpha/2} on the share of examples on
   * which the models differ, from {@code k} of {@code n}.
   */
  static double discordanceUpper(int k, int n, double alpha) {
    if (k >= n) {
      return 1;
    }
    return BetaDistribution.of(k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
  }
}
