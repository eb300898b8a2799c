package dev.mlci.core.gate;

import static dev.mlci.core.gate.GateChecks.add;
import static dev.mlci.core.gate.GateChecks.pointCheck;
import static dev.mlci.core.gate.GateEvaluator.MIN_DISAGREEING;
import static dev.mlci.core.gate.GateEvaluator.MIN_EXAMPLES;
import static dev.mlci.core.gate.GateReasons.fmt;
import static dev.mlci.core.gate.GateReasons.signed;
import static dev.mlci.core.gate.MinimumEvidence.disagreements;
import static dev.mlci.core.gate.MinimumEvidence.discordanceUpper;
import static dev.mlci.core.gate.MinimumEvidence.tooFewPerClass;
import static dev.mlci.core.gate.MinimumEvidence.tooLittleForBounds;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.gate.GateChecks.Check;
import dev.mlci.core.gate.GateChecks.Kind;
import dev.mlci.core.gate.GateChecks.Space;
import dev.mlci.core.gate.GateChecks.Work;
import dev.mlci.core.gate.TestSetAlignment.Aligned;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns one rule into its checks: the candidate's bounds and the comparison with the baseline, each
 * with the statistic its interval is resampled from (paired, McNemar, unpaired, with training noise
 * two-level), or an INCONCLUSIVE or PASS decided before any interval when the evidence is too thin
 * ({@link MinimumEvidence}).
 */
final class RulePlanner {
  private final GateConfig config;

  RulePlanner(GateConfig config) {
    this.config = config;
  }

  void plan(
      Work w,
      List<Predictions> candAll,
      Aligned aligned,
      Map<Predictions, Map<Metric, MetricFunction>> prepared,
      List<Check> checks) {
    GateRule rule = w.rule;
    boolean own = rule.confidence().isPresent();
    double confidence = rule.confidence().orElse(config.confidence());
    Predictions cand = candAll.get(0);
    MetricFunction candFull = prepare(prepared, w.metric, cand);
    w.candidateValue = candFull.value(null);
    // With training noise the candidate is every seed's model: its value is their mean.
    boolean noise = candAll.size() > 1;
    TwoLevelBootstrap.Side candSeeds = null;
    if (noise) {
      candSeeds = TwoLevelBootstrap.Side.of(w.metric, candAll);
      double[] perSeed = candSeeds.values(null);
      w.candidateValue = TwoLevelBootstrap.Side.mean(perSeed);
      if (!Double.isNaN(w.candidateValue)) {
        w.spread = SeedSpread.of(perSeed, aligned == null ? 1 : aligned.baselines().size());
      }
    }

    if (rule.min().isPresent() || rule.max().isPresent()) {
      Optional<String> tooLittle = tooLittleForBounds(w.metric, cand);
      if (Double.isNaN(w.candidateValue)) {
        w.boundsVerdict = Verdict.INCONCLUSIVE;
        w.boundReasons.add(
            w.metric.id()
                + " is undefined on the candidate's predictions, so its bounds cannot be checked");
      } else if (rule.strict()) {
        List<Check> strict = new ArrayList<>();
        if (rule.min().isPresent()) {
          strict.add(pointCheck(w, Kind.MIN, w.candidateValue, rule.min().getAsDouble()));
        }
        if (rule.max().isPresent()) {
          strict.add(pointCheck(w, Kind.MAX, -w.candidateValue, -rule.max().getAsDouble()));
        }
        checks.addAll(strict);
        w.checks.addAll(strict);
      } else if (tooLittle.isPresent()) {
        w.boundsVerdict = Verdict.INCONCLUSIVE;
        w.boundReasons.add(tooLittle.get() + ", so the bounds cannot be judged against noise");
      } else {
        // On the candidate's own examples; the same draws as the comparison when the test set
        // did not change.
        Space space =
            aligned == null || aligned.candidate() == cand ? Space.ALIGNED : Space.CANDIDATE;
        if (rule.min().isPresent()) {
          Check c =
              new Check(
                  w,
                  Kind.MIN,
                  space,
                  noise ? null : candFull::value,
                  w.candidateValue,
                  rule.min().getAsDouble(),
                  confidence,
                  own);
          c.seeded = noise ? TwoLevelBootstrap.value(candSeeds, 1, 1 - confidence) : null;
          add(w, checks, c);
        }
        if (rule.max().isPresent()) {
          Check c =
              new Check(
                  w,
                  Kind.MAX,
                  space,
                  noise ? null : counts -> -candFull.value(counts),
                  -w.candidateValue,
                  -rule.max().getAsDouble(),
                  confidence,
                  own);
          c.seeded = noise ? TwoLevelBootstrap.value(candSeeds, -1, 1 - confidence) : null;
          add(w, checks, c);
        }
      }
    }

    if (!rule.comparesWithBaseline()) {
      return;
    }
    if (aligned == null) {
      w.relativeReasons.add("no baseline to compare with");
      return;
    }
    MetricFunction base = prepare(prepared, w.metric, aligned.baseline());
    MetricFunction candAligned = prepare(prepared, w.metric, aligned.candidate());
    double b = base.value(null);
    double c = candAligned.value(null);
    TwoLevelBootstrap.Side candSide = null;
    TwoLevelBootstrap.Side baseSide = null;
    if (noise && aligned.pairing().paired()) {
      // Means over the seeds: the estimate is the difference of the two configs' expected metric.
      candSide = TwoLevelBootstrap.Side.of(w.metric, aligned.candidates());
      baseSide = TwoLevelBootstrap.Side.of(w.metric, aligned.baselines());
      c = TwoLevelBootstrap.Side.mean(candSide.values(null));
      b = TwoLevelBootstrap.Side.mean(baseSide.values(null));
    }
    if (Double.isNaN(b) || Double.isNaN(c)) {
      w.relativeVerdict = Verdict.INCONCLUSIVE;
      w.relativeReasons.add(
          w.metric.id()
              + " is undefined on the "
              + (Double.isNaN(b) ? "baseline" : "candidate")
              + "'s predictions");
      return;
    }
    w.baselineValue = OptionalDouble.of(b);
    w.tolerance = tolerance(rule, b);
    double sign = w.higher ? 1 : -1;
    double estimate = sign * (c - b);
    double threshold = -w.tolerance;
    if (rule.test() == GateRule.Test.NONE) {
      add(w, checks, pointCheck(w, Kind.RELATIVE, estimate, threshold));
      return;
    }
    if (!aligned.pairing().paired()) {
      if (noise) {
        w.relativeReasons.add(
            "training noise is not counted on mostly different test sets: the first seeds'"
                + " models are compared");
      }
      if (config.changedTestSet() == GateConfig.ChangedTestSet.INCONCLUSIVE) {
        w.relativeVerdict = Verdict.INCONCLUSIVE;
        w.relativeReasons.add(
            String.format(
                Locale.ROOT,
                "baseline and candidate share only %d of the candidate's %d examples: a"
                    + " difference (here %s) cannot be told apart from the change of test set;"
                    + " gate.changed_test_set: unpaired compares anyway",
                aligned.pairing().common(),
                aligned.candidate().size(),
                signed(estimate)));
        return;
      }
      Check u =
          new Check(w, Kind.RELATIVE, Space.UNPAIRED, null, estimate, threshold, confidence, own);
      u.base = base;
      u.cand = candAligned;
      add(w, checks, u);
      return;
    }
    int n = aligned.candidate().size();
    if (n < MIN_EXAMPLES) {
      w.relativeVerdict = Verdict.INCONCLUSIVE;
      w.relativeReasons.add(
          "too few examples: "
              + n
              + "; a comparison needs at least "
              + MIN_EXAMPLES
              + ", and this test set cannot tell a drop of "
              + fmt(Math.min(1, 2.8 / Math.sqrt(n)))
              + " in accuracy from noise");
      return;
    }
    Optional<String> classes = tooFewPerClass(w.metric, aligned.candidate());
    if (classes.isPresent()) {
      w.relativeVerdict = Verdict.INCONCLUSIVE;
      w.relativeReasons.add(classes.get());
      return;
    }
    int disagree =
        noise
            ? disagreements(aligned.baselines(), aligned.candidates())
            : disagreements(aligned.baseline(), aligned.candidate());
    if (disagree == 0) {
      // Bit-identical outputs on every example: the same model, as far as any test can see. PASS,
      // but without claiming that the test set detects every drop.
      w.relativeVerdict = Verdict.PASS;
      w.detectable = discordanceUpper(0, n, 1 - confidence);
      w.relativeReasons.add(
          String.format(
              Locale.ROOT,
              "the candidate's predictions equal the baseline's on all %d examples (labels and"
                  + " scores): the same model as far as this test set can tell; a model that"
                  + " differed on fewer than %s of all examples could still look like this",
              n,
              fmt(w.detectable)));
      return;
    }
    if (rule.test() == GateRule.Test.MCNEMAR && noise) {
      w.relativeReasons.add(
          "McNemar's test compares one model with one; with gate.training_noise the two-level"
              + " bootstrap over seeds and examples decides");
    } else if (rule.test() == GateRule.Test.MCNEMAR
        && aligned.candidate() instanceof ClassificationPredictions cp) {
      boolean[] br = correct((ClassificationPredictions) aligned.baseline());
      boolean[] cr = correct(cp);
      int bb = 0;
      int cc = 0;
      for (int i = 0; i < br.length; i++) {
        if (br[i] && !cr[i]) {
          bb++;
        } else if (!br[i] && cr[i]) {
          cc++;
        }
      }
      // Accuracy rises with c - b; for a direction override the difference flips.
      Check m =
          new Check(w, Kind.RELATIVE, Space.MCNEMAR, null, estimate, threshold, confidence, own);
      m.counts = w.higher ? new int[] {bb, cc, n} : new int[] {cc, bb, n};
      add(w, checks, m);
      return;
    }
    if (disagree < MIN_DISAGREEING) {
      double upper = discordanceUpper(disagree, n, 1 - confidence);
      boolean accuracyWithin = w.metric == Metric.ACCURACY && upper <= w.tolerance;
      w.relativeVerdict = accuracyWithin ? Verdict.PASS : Verdict.INCONCLUSIVE;
      w.detectable = upper;
      w.relativeReasons.add(
          String.format(
              Locale.ROOT,
              "too few examples where the models' predictions differ: %d of %d (a bootstrap needs"
                  + " %d); they may still differ on up to %s of all examples, so this test set %s",
              disagree,
              n,
              MIN_DISAGREEING,
              fmt(upper),
              accuracyWithin
                  ? "bounds any accuracy drop by " + fmt(upper) + ", within the tolerated drop"
                  : "cannot tell a drop of " + fmt(upper)));
      return;
    }
    if (candSide != null) {
      Check t =
          new Check(w, Kind.RELATIVE, Space.ALIGNED, null, estimate, threshold, confidence, own);
      t.seeded = TwoLevelBootstrap.difference(candSide, baseSide, sign, 1 - confidence);
      add(w, checks, t);
      return;
    }
    Check paired =
        new Check(
            w,
            Kind.RELATIVE,
            Space.ALIGNED,
            counts -> sign * (candAligned.value(counts) - base.value(counts)),
            estimate,
            threshold,
            confidence,
            own);
    paired.swap = swapStatistic(w.metric, aligned, sign);
    add(w, checks, paired);
  }

  /**
   * The comparison under swaps ({@link SwapTest}); the two models' predictions are joined and
   * prepared only when the swap test runs.
   */
  static SwapTest.Statistic swapStatistic(Metric metric, Aligned aligned, double sign) {
    MetricFunction[] both = new MetricFunction[1];
    return (candSide, baseSide) -> {
      MetricFunction f;
      synchronized (both) {
        if (both[0] == null) {
          both[0] =
              MetricFunction.of(metric, SwapTest.concat(aligned.candidate(), aligned.baseline()));
        }
        f = both[0];
      }
      return sign * (f.value(candSide) - f.value(baseSide));
    };
  }

  /** The tolerated drop: the smaller of max_drop and max_relative_drop × |baseline|. */
  static double tolerance(GateRule rule, double baseline) {
    double t = Double.POSITIVE_INFINITY;
    if (rule.maxDrop().isPresent()) {
      t = rule.maxDrop().getAsDouble();
    }
    if (rule.maxRelativeDrop().isPresent()) {
      t = Math.min(t, rule.maxRelativeDrop().getAsDouble() * Math.abs(baseline));
    }
    return t;
  }

  /**
   * {@code metric} prepared on {@code predictions}, once per gate (preparing ROC AUC sorts the
   * scores).
   */
  static MetricFunction prepare(
      Map<Predictions, Map<Metric, MetricFunction>> prepared,
      Metric metric,
      Predictions predictions) {
    return prepared
        .computeIfAbsent(predictions, p -> new EnumMap<>(Metric.class))
        .computeIfAbsent(metric, m -> MetricFunction.of(m, predictions));
  }

  static boolean[] correct(ClassificationPredictions p) {
    boolean[] right = new boolean[p.size()];
    for (int i = 0; i < right.length; i++) {
      right[i] = p.truth()[i] == p.predicted()[i];
    }
    return right;
  }
}
