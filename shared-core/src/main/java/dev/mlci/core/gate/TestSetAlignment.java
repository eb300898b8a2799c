package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the baseline's examples with the candidate's by id (and true value), in id order, for
 * every training replicate of either side ({@code gate.training_noise}): the replicates of one side
 * share its examples, so one matching applies to all of them.
 */
final class TestSetAlignment {
  /** Fewest common examples a paired comparison on a changed test set is made on. */
  static final int MIN_COMMON = 30;

  private TestSetAlignment() {}

  /**
   * Baseline and candidate predictions matched by example id; element 0 of each list is the side's
   * own training, the others its replicates.
   */
  record Aligned(
      List<Predictions> baselines, List<Predictions> candidates, GateResult.Pairing pairing) {
    Aligned {
      baselines = List.copyOf(baselines);
      candidates = List.copyOf(candidates);
    }

    Predictions baseline() {
      return baselines.get(0);
    }

    Predictions candidate() {
      return candidates.get(0);
    }
  }

  /** Every replicate in the order of the first one's ids (all share them). */
  static List<Predictions> sortById(List<Predictions> all) {
    Predictions p = all.get(0);
    List<String> ids = p.ids();
    Integer[] order = new Integer[p.size()];
    boolean sorted = true;
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      if (i > 0 && ids.get(i - 1).compareTo(ids.get(i)) > 0) {
        sorted = false;
      }
    }
    if (sorted) {
      return all;
    }
    Arrays.sort(order, Comparator.comparing(ids::get));
    int[] rows = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    return all.stream().map(q -> reorder(q, rows)).toList();
  }

  /** The predictions in the order of their ids. */
  static Predictions sortById(Predictions p) {
    return sortById(List.of(p)).get(0);
  }

  /**
   * Matches by id (and true value), in the candidate's order. Identical test sets are paired whole;
   * a changed test set is paired on the examples both hold with the same true value when they are
   * at least half of the candidate's (and {@value #MIN_COMMON}); otherwise both are kept whole and
   * the comparison is unpaired.
   */
  static Aligned align(List<Predictions> baselines, List<Predictions> candidates) {
    Predictions baseline = baselines.get(0);
    Predictions candidate = candidates.get(0);
    Map<String, Integer> baseIndex = new HashMap<>();
    for (int i = 0; i < baseline.size(); i++) {
      baseIndex.put(baseline.ids().get(i), i);
    }
    List<Integer> candidateRows = new ArrayList<>();
    List<Integer> baselineRows = new ArrayList<>();
    int changed = 0;
    int present = 0;
    for (int i = 0; i < candidate.size(); i++) {
      Integer j = baseIndex.get(candidate.ids().get(i));
      if (j == null) {
        continue;
      }
      present++;
      if (sameTruth(baseline, j, candidate, i)) {
        candidateRows.add(i);
        baselineRows.add(j);
      } else {
        changed++;
      }
    }
    int common = candidateRows.size();
    int onlyBaseline = baseline.size() - present;
    int onlyCandidate = candidate.size() - present;
    if (common == candidate.size() && common == baseline.size()) {
      return new Aligned(
          subset(baselines, baselineRows),
          candidates,
          new GateResult.Pairing(true, common, 0, 0, 0));
    }
    boolean paired = common >= MIN_COMMON && 2 * common >= candidate.size();
    GateResult.Pairing pairing =
        new GateResult.Pairing(paired, common, onlyBaseline, onlyCandidate, changed);
    return paired
        ? new Aligned(subset(baselines, baselineRows), subset(candidates, candidateRows), pairing)
        : new Aligned(baselines, candidates, pairing);
  }

  private static boolean sameTruth(Predictions a, int i, Predictions b, int j) {
    if (a instanceof ClassificationPredictions ca && b instanceof ClassificationPredictions cb) {
      return ca.classes().get(ca.truth()[i]).equals(cb.classes().get(cb.truth()[j]));
    }
    return ((RegressionPredictions) a).truth()[i] == ((RegressionPredictions) b).truth()[j];
  }

  private static List<Predictions> subset(List<Predictions> all, List<Integer> rows) {
    int[] order = rows.stream().mapToInt(Integer::intValue).toArray();
    return all.stream().map(p -> reorder(p, order)).toList();
  }

  static Predictions reorder(Predictions p, int[] order) {
    List<String> ids = new ArrayList<>(order.length);
    for (int j : order) {
      ids.add(p.ids().get(j));
    }
    if (p instanceof ClassificationPredictions c) {
      int[] truth = new int[order.length];
      int[] predicted = new int[order.length];
      double[][] scores = new double[order.length][];
      for (int i = 0; i < order.length; i++) {
        truth[i] = c.truth()[order[i]];
        predicted[i] = c.predicted()[order[i]];
        scores[i] = c.scores()[order[i]];
      }
      return new ClassificationPredictions(
          ids, c.classes(), truth, predicted, scores, c.probabilities(), c.positive());
    }
    RegressionPredictions r = (RegressionPredictions) p;
    double[] truth = new double[order.length];
    double[] predicted = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      truth[i] = r.truth()[order[i]];
      predicted[i] = r.predicted()[order[i]];
    }
    return new RegressionPredictions(ids, truth, predicted);
  }
}
