package dev.mlci.core.gate;

import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.gate.GateChecks.Check;
import dev.mlci.core.gate.GateChecks.Kind;
import dev.mlci.core.gate.GateChecks.Space;
import dev.mlci.core.gate.GateChecks.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The gate's working records: one {@link Work} per rule while it is decided, one {@link Check} per
 * one-sided comparison (FAIL if {@code hi < threshold}, PASS if {@code lo >= threshold}), and where
 * each check's interval comes from.
 */
final class GateChecks {
  private GateChecks() {}

  /** Where a check's interval comes from. */
  enum Space {
    /** One joint bootstrap over the compared examples (the candidate's, without a baseline). */
    ALIGNED,
    /** One joint bootstrap over all the candidate's examples (bounds, on a changed test set). */
    CANDIDATE,
    /** Tango's score interval on paired correctness. */
    MCNEMAR,
    /** Baseline and candidate resampled on their own (opt-in, on mostly different test sets). */
    UNPAIRED,
    /** Point values, no interval. */
    POINT
  }

  enum Kind {
    RELATIVE,
    MIN,
    MAX
  }

  /** One one-sided check: FAIL if hi < threshold, PASS if lo >= threshold. */
  static final class Check {
    final Work work;
    final Kind kind;
    final Space space;
    final JointBootstrap.Statistic statistic;
    final double estimate;
    final double threshold;
    final double confidence;
    final boolean ownConfidence;

    /**
     * With training noise: the statistic of examples and seeds (then {@code statistic} is null).
     */
    TwoLevelBootstrap.Statistic seeded;

    /** For McNemar: discordant counts; for unpaired: the two metric functions. */
    int[] counts;

    MetricFunction base;
    MetricFunction cand;
    Interval interval;

    /**
     * For a paired comparison: the statistic under swaps of the two models' predictions ({@link
     * SwapTest}); a FAIL needs the swap test too.
     */
    SwapTest.Statistic swap;

    /** The swap test's adjusted p-value (NaN: not run, as the interval did not FAIL). */
    double swapP = Double.NaN;

    /** The level the swap test's p-value is held against. */
    double swapLevel = Double.NaN;

    Check(
        Work work,
        Kind kind,
        Space space,
        JointBootstrap.Statistic statistic,
        double estimate,
        double threshold,
        double confidence,
        boolean ownConfidence) {
      this.work = work;
      this.kind = kind;
      this.space = space;
      this.statistic = statistic;
      this.estimate = estimate;
      this.threshold = threshold;
      this.confidence = confidence;
      this.ownConfidence = ownConfidence;
    }

    Verdict verdict() {
      if (interval.hi() < threshold) {
        return swapRefutes() ? Verdict.INCONCLUSIVE : Verdict.FAIL;
      }
      return interval.lo() >= threshold ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }

    /** The interval lies below the threshold but the swap test cannot tell the models apart. */
    boolean swapRefutes() {
      return interval.hi() < threshold && !Double.isNaN(swapP) && swapP > swapLevel;
    }
  }

  /** One rule while it is being decided. */
  static final class Work {
    final GateRule rule;
    final Metric metric;
    final boolean higher;
    double candidateValue = Double.NaN;
    OptionalDouble baselineValue = OptionalDouble.empty();
    double tolerance;

    /** Verdicts decided before any interval (undefined metric, too little evidence). */
    Verdict boundsVerdict;

    Verdict relativeVerdict;
    final List<String> boundReasons = new ArrayList<>();
    final List<String> relativeReasons = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();
    Interval interval;
    double detectable = Double.NaN;
    SeedSpread spread;

    Work(GateRule rule) {
      this.rule = rule;
      this.metric = Metric.byId(rule.metric()).orElseThrow();
      this.higher = rule.higherIsBetterFor(metric);
    }
  }

  static void add(Work w, List<Check> checks, Check c) {
    checks.add(c);
    w.checks.add(c);
  }

  static Check pointCheck(Work w, Kind kind, double estimate, double threshold) {
    Check c = new Check(w, kind, Space.POINT, null, estimate, threshold, 1, true);
    c.interval = Interval.point(estimate);
    return c;
  }
}
