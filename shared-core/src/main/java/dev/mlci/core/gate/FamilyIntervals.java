package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.gate.GateChecks.Check;
import dev.mlci.core.gate.GateChecks.Space;
import dev.mlci.core.gate.TestSetAlignment.Aligned;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The family-wise decision: every check's interval, {@code α} split over the blocks of one family
 * (one joint bootstrap per block of examples, McNemar and unpaired checks on their own) in
 * proportion to their number of checks (Bonferroni across blocks).
 */
final class FamilyIntervals {
  /**
   * Swaps per randomization test. The test's level is exact for any number of swaps (the observed
   * data counts as one, {@code (b + 1) / (m + 1)}); 999 is the customary choice (Davison and
   * Hinkley 1997, ch. 4), resolving a p-value of 0.025 to ±0.005, and keeps a FAILing gate on
   * 100,000 examples within the speed budget (the swaps evaluate every rule on both models' rows).
   */
  static final int MAX_SWAPS = 999;

  private final GateConfig config;

  FamilyIntervals(GateConfig config) {
    this.config = config;
  }

  /** Intervals for every check, the family-wise error split over the blocks. */
  void decide(List<Check> checks, Predictions cand, Aligned aligned, int candSeeds) {
    int baseSeeds = aligned == null ? 1 : aligned.baselines().size();
    Map<Double, List<Check>> families = new TreeMap<>();
    for (Check c : checks) {
      if (c.space != Space.POINT) {
        // A rule with its own confidence is its own family.
        double key = c.ownConfidence ? c.confidence + 1e-9 * families.size() : c.confidence;
        families.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      }
    }
    for (List<Check> family : families.values()) {
      double alpha = 1 - family.get(0).confidence;
      int size = family.size();
      Map<Space, List<Check>> blocks = new EnumMap<>(Space.class);
      for (Check c : family) {
        blocks.computeIfAbsent(c.space, s -> new ArrayList<>()).add(c);
      }
      for (Map.Entry<Space, List<Check>> block : blocks.entrySet()) {
        List<Check> cs = block.getValue();
        double blockAlpha = alpha * cs.size() / size;
        switch (block.getKey()) {
          case ALIGNED ->
              joint(
                  cs,
                  aligned == null ? cand.size() : aligned.candidate().size(),
                  blockAlpha,
                  candSeeds,
                  baseSeeds);
          case CANDIDATE -> joint(cs, cand.size(), blockAlpha, candSeeds, baseSeeds);
          case MCNEMAR -> {
            for (Check c : cs) {
              Interval m =
                  McNemar.fromCounts(
                      c.counts[0], c.counts[1], c.counts[2], 1 - blockAlpha / cs.size());
              c.interval = m;
            }
          }
          case UNPAIRED -> {
            for (Check c : cs) {
              c.interval =
                  Bootstrap.unpaired(
                      c.base,
                      aligned.baseline().size(),
                      c.cand,
                      aligned.candidate().size(),
                      c.work.higher,
                      1 - blockAlpha / cs.size(),
                      config.resamples(),
                      config.seed());
            }
          }
          case POINT -> {}
        }
      }
    }
  }

  void joint(List<Check> cs, int n, double alpha, int candSeeds, int baseSeeds) {
    double[] estimates = cs.stream().mapToDouble(c -> c.estimate).toArray();
    boolean seeded = cs.stream().anyMatch(c -> c.seeded != null);
    double[][] draws;
    if (seeded) {
      // One draw of examples and seeds for every check: the family stays joint.
      List<TwoLevelBootstrap.Statistic> stats =
          cs.stream()
              .map(
                  c ->
                      c.seeded != null
                          ? c.seeded
                          : (TwoLevelBootstrap.Statistic)
                              (counts, s) -> c.statistic.applyAsDouble(counts))
              .toList();
      draws =
          TwoLevelBootstrap.draws(
              stats, n, candSeeds, baseSeeds, config.resamples(), config.seed());
    } else {
      List<JointBootstrap.Statistic> stats = cs.stream().map(c -> c.statistic).toList();
      draws = JointBootstrap.draws(stats, n, config.resamples(), config.seed());
    }
    List<Interval> intervals =
        JointBootstrap.intervals(
            estimates, draws, alpha, seeded ? "two-level-bootstrap" : "paired-bootstrap");
    for (int i = 0; i < cs.size(); i++) {
      cs.get(i).interval = intervals.get(i);
    }
    swapTest(cs, n, alpha);
  }

  /**
   * A paired FAIL needs the swap test as well: when some paired comparison's interval lies below
   * its threshold, every paired comparison of the block is tested at once (single-step min-p) at
   * the block's level for FAILs, {@code α/2}. Never run otherwise, so it costs nothing unless the
   * bootstrap FAILs.
   */
  void swapTest(List<Check> cs, int n, double alpha) {
    List<Check> paired = cs.stream().filter(c -> c.swap != null).toList();
    if (paired.stream().noneMatch(c -> c.interval.hi() < c.threshold)) {
      return;
    }
    int[] cand = new int[2 * n];
    int[] base = new int[2 * n];
    java.util.Arrays.fill(cand, 0, n, 1);
    java.util.Arrays.fill(base, n, 2 * n, 1);
    double[] observed = paired.stream().mapToDouble(c -> c.swap.apply(cand, base)).toArray();
    double[] p =
        SwapTest.adjustedLowerP(
            paired.stream().map(c -> c.swap).toList(),
            observed,
            n,
            Math.min(config.resamples(), MAX_SWAPS),
            config.seed());
    for (int i = 0; i < paired.size(); i++) {
      paired.get(i).swapP = p[i];
      paired.get(i).swapLevel = alpha / 2;
    }
  }
}
