package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import dev.mlci.core.gate.TestSetAlignment.Aligned;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Applies the gate's rules to a candidate evaluation and (optionally) a baseline evaluation.
 *
 * <p>Every check is a one-sided decision on an interval of an oriented statistic {@code s} against
 * a threshold {@code t}: <b>FAIL</b> if {@code hi < t}; <b>PASS</b> if {@code lo >= t}; otherwise
 * <b>INCONCLUSIVE</b>. A relative rule with tolerance {@code δ} checks {@code s = candidate -
 * baseline} (negated when lower is better) against {@code t = -δ}; a {@code min} bound checks the
 * candidate's value against {@code min}, a {@code max} bound its negation against {@code -max}.
 *
 * <p><b>Family-wise control.</b> All checks at the gate's confidence {@code 1 - α} form one family:
 * the bootstrap checks on the same examples share one joint bootstrap with simultaneous intervals
 * ({@link JointBootstrap}); McNemar checks, checks on other examples and the joint block split
 * {@code α} in proportion to their number of checks (Bonferroni across blocks). So for the gate as
 * a whole, P(some FAIL while every rule truly holds) ≤ α/2 and P(some PASS while its rule is truly
 * violated) ≤ α/2, whatever the number of rules. A rule with its own {@code confidence} forms its
 * own family; {@code test: none} and {@code strict} bounds compare point values, outside any
 * family.
 *
 * <p><b>Minimum evidence.</b> A check needs {@value #MIN_EXAMPLES} examples, ROC AUC {@value
 * #MIN_PER_CLASS} of every class, and a bootstrap comparison {@value #MIN_DISAGREEING} examples on
 * which the two models' predictions differ; below that the bootstrap interval degenerates (a single
 * example gives {@code [-1, -1]}), so the check is INCONCLUSIVE and says how large a change this
 * test set cannot rule out.
 *
 * <p>The gate FAILs when any rule FAILs (unless accepted), is INCONCLUSIVE when any rule is, else
 * PASSes.
 */
public final class GateEvaluator {
  /** Power used for the detectable drop each rule reports. */
  public static final double POWER = 0.8;

  /** Fewest examples any check is made on. */
  public static final int MIN_EXAMPLES = 30;

  /** Fewest examples of each class for a check of ROC AUC. */
  public static final int MIN_PER_CLASS = 10;

  /** Fewest examples on which baseline and candidate differ for a paired-bootstrap comparison. */
  public static final int MIN_DISAGREEING = 10;

  private final GateConfig config;

  public GateEvaluator(GateConfig config) {
    this.config = config;
  }

  /**
   * Decides.
   *
   * @param reportedMetrics the metrics ml.yaml reports (the default rule gates the task's primary
   *     one, the others are reported)
   * @param candidate the candidate's evaluation
   * @param baseline the baseline's evaluation, if one was found
   * @param baselineInfo where it came from (or why there is none)
   * @param failOnInconclusive whether INCONCLUSIVE fails the build (ml.yaml or the command line)
   */
  public GateResult evaluate(
      List<String> reportedMetrics,
      EvaluationBundle candidate,
      Optional<EvaluationBundle> baseline,
      BaselineInfo baselineInfo,
      boolean failOnInconclusive) {
    List<String> notes = new ArrayList<>();
    List<GateRule> rules = config.rules();
    List<String> reportedOnly = List.of();
    if (rules.isEmpty()) {
      DefaultRules defaults = DefaultRules.of(reportedMetrics, candidate);
      rules = defaults.rules();
      reportedOnly = defaults.reportedOnly();
      notes.addAll(defaults.notes());
    }
    // Examples in id order: the resamples, hence the intervals, do not depend on row order.
    List<Predictions> candAll = TestSetAlignment.sortById(candidate.allPredictions());
    Predictions cand = candAll.get(0);
    Aligned aligned = null;
    GateResult.Pairing pairing = GateResult.Pairing.none(cand.size());
    if (baseline.isPresent()) {
      aligned = TestSetAlignment.align(baseline.get().allPredictions(), candAll);
      pairing = aligned.pairing();
      if (!pairing.identical()) {
        notes.add(changedTestSetNote(pairing, cand.size()));
      }
    } else {
      notes.add(
          "NO BASELINE: " + baselineInfo.description() + ". Only absolute bounds were checked.");
    }
    notes.addAll(TrainingNoiseNotes.of(config, candAll.size(), aligned, baselineInfo));
    Map<Predictions, Map<Metric, MetricFunction>> prepared = new IdentityHashMap<>();
    List<Work> works = new ArrayList<>();
    List<Check> checks = new ArrayList<>();
    for (GateRule rule : rules) {
      Work w = new Work(rule);
      works.add(w);
      plan(w, candAll, aligned, prepared, checks);
    }
    decide(checks, cand, aligned, candAll.size());
    List<RuleResult> results = new ArrayList<>();
    for (Work w : works) {
      results.add(finish(w, baselineInfo));
    }
    if (aligned != null && !reportedOnly.isEmpty()) {
      notes.add(reportedNote(reportedOnly, aligned, prepared));
    }
    long family = checks.stream().filter(c -> c.space != Space.POINT && c.ownConfidence).count();
    long inFamily = checks.stream().filter(c -> c.space != Space.POINT && !c.ownConfidence).count();
    if (inFamily > 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "Family-wise: the %d %s at %.0f%% confidence (simultaneous intervals), so equal"
                  + " models turn this gate red with probability at most %.1f%%, however many rules"
                  + " there are.",
              inFamily,
              inFamily == 1 ? "check holds" : "checks hold together",
              100 * config.confidence(),
              100 * (1 - config.confidence()) / 2));
    }
    if (family > 0) {
      notes.add(
          "Rules with their own confidence are checked at that level, outside the gate's family.");
    }
    for (GateConfig.Acceptance a : config.accept()) {
      boolean used = results.stream().anyMatch(r -> r.accepted().filter(a::equals).isPresent());
      if (!used) {
        notes.add(
            "gate.accept for "
                + a.metric()
                + " against "
                + a.baseline()
                + " did not apply ("
                + (baselineInfo
                    .commit()
                    .map(c -> "the baseline is now " + BaselineInfo.abbreviate(c))
                    .orElse("no baseline"))
                + " or the rule did not fail); remove it when it is no longer needed.");
      }
    }
    Verdict verdict = Verdict.PASS;
    for (RuleResult r : results) {
      if (r.verdict().severity() > verdict.severity()) {
        verdict = r.verdict() == Verdict.FAIL ? Verdict.FAIL : Verdict.INCONCLUSIVE;
      }
    }
    if (baselineInfo.missing() && config.onMissing() == GateConfig.OnMissing.FAIL) {
      verdict = Verdict.FAIL;
      notes.add("gate.on_missing is fail: the build fails without a baseline.");
    }
    boolean fails =
        verdict == Verdict.FAIL
            || (verdict == Verdict.INCONCLUSIVE
                && (failOnInconclusive || config.inconclusive() == GateConfig.Inconclusive.FAIL));
    return new GateResult(
        verdict, fails, baselineInfo, candidate.commit(), pairing, results, notes);
  }

  private static String changedTestSetNote(GateResult.Pairing pairing, int candidateSize) {
    double share = candidateSize == 0 ? 0 : 100.0 * pairing.common() / candidateSize;
    return "The test set changed: "
        + pairing.common()
        + " examples in common ("
        + String.format(Locale.ROOT, "%.0f%%", share)
        + " of the candidate's), "
        + pairing.onlyBaseline()
        + " only in the baseline, "
        + pairing.onlyCandidate()
        + " only in the candidate"
        + (pairing.changedTruth() > 0
            ? ", " + pairing.changedTruth() + " with a different true value"
            : "")
        + ". "
        + (pairing.paired()
            ? "Comparisons are paired on the common examples: they judge the model on those, not"
                + " on the new ones."
            : "On mostly different examples a difference mixes the model's change with the test"
                + " set's, so it cannot be blamed on the model.");
  }

  private static String reportedNote(
      List<String> metrics,
      Aligned aligned,
      Map<Predictions, Map<Metric, MetricFunction>> prepared) {
    List<String> parts = new ArrayList<>();
    for (String id : metrics) {
      Metric m = Metric.byId(id).orElseThrow();
      double b = prepare(prepared, m, aligned.baseline()).value(null);
      double c = prepare(prepared, m, aligned.candidate()).value(null);
      if (!Double.isNaN(b) && !Double.isNaN(c)) {
        parts.add(id + " " + fmt(b) + " → " + fmt(c) + " (Δ " + signed(c - b) + ")");
      }
    }
    return "Reported, not gated: " + String.join(", ", parts) + ".";
  }

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
  private static final class Check {
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
        return Verdict.FAIL;
      }
      return interval.lo() >= threshold ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }
  }

  /** One rule while it is being decided. */
  private static final class Work {
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

  private void plan(
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
    int disagree = disagreements(aligned.baselines(), aligned.candidates());
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
    add(
        w,
        checks,
        new Check(
            w,
            Kind.RELATIVE,
            Space.ALIGNED,
            counts -> sign * (candAligned.value(counts) - base.value(counts)),
            estimate,
            threshold,
            confidence,
            own));
  }

  private static void add(Work w, List<Check> checks, Check c) {
    checks.add(c);
    w.checks.add(c);
  }

  private Check pointCheck(Work w, Kind kind, double estimate, double threshold) {
    Check c = new Check(w, kind, Space.POINT, null, estimate, threshold, 1, true);
    c.interval = Interval.point(estimate);
    return c;
  }

  /** Intervals for every check, the family-wise error split over the blocks. */
  private void decide(List<Check> checks, Predictions cand, Aligned aligned, int candSeeds) {
    int baseSeeds = aligned == null ? 1 : aligned.baselines().size();
    Map<Double, List<Check>> families = new java.util.TreeMap<>();
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
      Map<Space, List<Check>> blocks = new java.util.EnumMap<>(Space.class);
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

  private void joint(List<Check> cs, int n, double alpha, int candSeeds, int baseSeeds) {
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
  }

  private RuleResult finish(Work w, BaselineInfo baselineInfo) {
    List<String> reasons = new ArrayList<>();
    Verdict bounds = w.boundsVerdict;
    Verdict relative = w.relativeVerdict;
    Optional<GateConfig.Acceptance> accepted = Optional.empty();
    String level =
        String.format(Locale.ROOT, "%.0f%%", 100 * w.rule.confidence().orElse(config.confidence()));
    reasons.addAll(w.boundReasons);
    for (Check c : w.checks) {
      Verdict v = c.verdict();
      if (c.kind == Kind.RELATIVE) {
        w.interval = c.interval;
        relative = v;
        reasons.add(relativeReason(c, v, level));
        if (c.space != Space.POINT) {
          w.detectable = detectableDrop(c.interval);
          if (!Double.isNaN(w.detectable) && w.detectable > 0) {
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "this test set detects (80%% power) drops larger than %s beyond the tolerance",
                    fmt(w.detectable)));
          }
        }
      } else {
        bounds = bounds == null ? v : worse(bounds, v);
        reasons.add(boundReason(c, v, w.metric, level));
      }
    }
    reasons.addAll(w.relativeReasons);
    if (w.spread != null) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "retraining alone moves %s by ±%s (standard deviation over %d seeds, from %s to %s)",
              w.metric.id(),
              fmt(w.spread.standardDeviation()),
              w.spread.seeds(),
              fmt(w.spread.min()),
              fmt(w.spread.max())));
    }
    if (relative == Verdict.FAIL) {
      accepted =
          config.accept().stream()
              .filter(
                  a ->
                      a.metric().equals(w.metric.id())
                          && baselineInfo.commit().map(a::matches).orElse(false))
              .findFirst();
      if (accepted.isPresent()) {
        relative = Verdict.ACCEPTED;
        reasons.add(
            "accepted in ml.yaml against baseline "
                + accepted.get().baseline()
                + ": "
                + accepted.get().reason());
      }
    }
    Verdict verdict =
        combine(bounds == null ? Verdict.PASS : bounds, relative == null ? Verdict.PASS : relative);
    return new RuleResult(
        w.rule,
        w.higher,
        w.baselineValue,
        w.candidateValue,
        Optional.ofNullable(w.interval),
        w.tolerance,
        w.rule.confidence().orElse(config.confidence()),
        w.detectable,
        verdict,
        reasons,
        accepted,
        Optional.ofNullable(w.spread));
  }

  private static String relativeReason(Check c, Verdict v, String level) {
    Interval ci = c.interval;
    String tol = fmt(-c.threshold);
    if (c.space == Space.POINT) {
      return switch (v) {
        case FAIL ->
            "worse than the baseline beyond the tolerated drop " + tol + " (point values, no test)";
        case PASS -> "no drop beyond " + tol + " (point values, no test)";
        default -> "point values compared";
      };
    }
    String range = "[" + fmt(ci.lo()) + ", " + fmt(ci.hi()) + "]";
    return switch (v) {
      case FAIL ->
          String.format(
              Locale.ROOT,
              "worse than the baseline beyond the tolerated drop %s: the %s interval of the"
                  + " improvement %s lies below %s",
              tol,
              level,
              range,
              fmt(c.threshold));
      case PASS ->
          String.format(
              Locale.ROOT,
              "no drop beyond %s: the %s interval of the improvement %s lies at or above %s",
              tol,
              level,
              range,
              fmt(c.threshold));
      default ->
          String.format(
              Locale.ROOT,
              "cannot tell: the %s interval of the improvement %s straddles %s",
              level,
              range,
              fmt(c.threshold));
    };
  }

  private static String boundReason(Check c, Verdict v, Metric metric, String level) {
    boolean min = c.kind == Kind.MIN;
    double bound = min ? c.threshold : -c.threshold;
    double value = min ? c.estimate : -c.estimate;
    String b = java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    if (c.space == Space.POINT) {
      return v == Verdict.FAIL
          ? String.format(
              Locale.ROOT,
              "%.4f is %s the %s %s (strict)",
              value,
              min ? "below" : "above",
              min ? "minimum" : "maximum",
              b)
          : String.format(
              Locale.ROOT,
              "%.4f is within its %s %s (strict)",
              value,
              min ? "minimum" : "maximum",
              b);
    }
    double lo = min ? c.interval.lo() : -c.interval.hi();
    double hi = min ? c.interval.hi() : -c.interval.lo();
    String range = "[" + fmt(lo) + ", " + fmt(hi) + "]";
    return switch (v) {
      case FAIL ->
          String.format(
              Locale.ROOT,
              "%.4f is %s the %s %s beyond noise: the %s interval of %s %s lies %s it",
              value,
              min ? "below" : "above",
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range,
              min ? "below" : "above");
      case PASS ->
          String.format(
              Locale.ROOT,
              "within its %s %s: the %s interval of %s %s lies %s it",
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range,
              min ? "at or above" : "at or below");
      default ->
          String.format(
              Locale.ROOT,
              "%.4f against the %s %s: cannot tell, the %s interval of %s %s contains it"
                  + " (strict: true checks the point value)",
              value,
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range);
    };
  }

  private static Optional<String> tooLittleForBounds(Metric metric, Predictions cand) {
    if (cand.size() < MIN_EXAMPLES) {
      return Optional.of(
          "too few examples: " + cand.size() + " (at least " + MIN_EXAMPLES + " are needed)");
    }
    return tooFewPerClass(metric, cand);
  }

  /** ROC AUC ranks positives against negatives: it needs some of each class. */
  private static Optional<String> tooFewPerClass(Metric metric, Predictions p) {
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
            || !java.util.Arrays.equals(ca.scores()[i], cb.scores()[i])) {
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

  /** Absolute bounds dominate: an accepted regression never hides a failed bound. */
  private static Verdict combine(Verdict absolute, Verdict relative) {
    if (absolute == Verdict.FAIL) {
      return Verdict.FAIL;
    }
    if (relative == Verdict.ACCEPTED) {
      return absolute == Verdict.INCONCLUSIVE ? Verdict.INCONCLUSIVE : Verdict.ACCEPTED;
    }
    return worse(absolute, relative);
  }

  private static Verdict worse(Verdict a, Verdict b) {
    return b.severity() > a.severity() ? b : a;
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
   * The smallest true drop beyond the tolerance this test set detects with {@link #POWER} power:
   * the upper end lies below {@code -δ} when {@code d̂ + (hi - d̂) < -δ}, and {@code d̂} spreads
   * with the interval's standard error, so {@code (hi - d̂) + z_power · SE}.
   */
  static double detectableDrop(Interval ci) {
    if (Double.isNaN(ci.standardError())
        || ci.method().equals("none")
        || Double.isInfinite(ci.hi())) {
      return Double.NaN;
    }
    return (ci.hi() - ci.estimate())
        + NormalDistribution.of(0, 1).inverseCumulativeProbability(POWER) * ci.standardError();
  }

  /**
   * {@code metric} prepared on {@code predictions}, once per gate (preparing ROC AUC sorts the
   * scores).
   */
  private static MetricFunction prepare(
      Map<Predictions, Map<Metric, MetricFunction>> prepared,
      Metric metric,
      Predictions predictions) {
    return prepared
        .computeIfAbsent(predictions, p -> new java.util.EnumMap<>(Metric.class))
        .computeIfAbsent(metric, m -> MetricFunction.of(m, predictions));
  }

  private static boolean[] correct(ClassificationPredictions p) {
    boolean[] right = new boolean[p.size()];
    for (int i = 0; i < right.length; i++) {
      right[i] = p.truth()[i] == p.predicted()[i];
    }
    return right;
  }

  /** Four decimals; values that round to zero print as {@code 0} (never {@code -0.0000}). */
  static String fmt(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.equals("0.0000") || s.equals("-0.0000") ? "0" : s;
  }

  /** {@link #fmt} with a sign: {@code +0.0120}, {@code -0.0030}, {@code 0}. */
  static String signed(double v) {
    String s = fmt(v);
    return s.equals("0") || s.startsWith("-") || s.startsWith("∞") ? s : "+" + s;
  }
}
