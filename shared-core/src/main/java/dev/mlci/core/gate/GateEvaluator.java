package dev.mlci.core.gate;

import static dev.mlci.core.gate.GateReasons.boundReason;
import static dev.mlci.core.gate.GateReasons.changedTestSetNote;
import static dev.mlci.core.gate.GateReasons.relativeReason;
import static dev.mlci.core.gate.RulePlanner.prepare;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.gate.GateChecks.Check;
import dev.mlci.core.gate.GateChecks.Kind;
import dev.mlci.core.gate.GateChecks.Space;
import dev.mlci.core.gate.GateChecks.Work;
import dev.mlci.core.gate.TestSetAlignment.Aligned;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * violated) ≤ α/2, whatever the number of rules. A paired-bootstrap FAIL also needs the paired
 * randomization test of the same block ({@link SwapTest}), whose level is exact at every sample
 * size (the percentile interval's holds only as n grows). A rule with its own {@code confidence}
 * forms its own family; {@code test: none} and {@code strict} bounds compare point values, outside
 * any family.
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
  private final RulePlanner planner;
  private final FamilyIntervals intervals;

  public GateEvaluator(GateConfig config) {
    this.config = config;
    this.planner = new RulePlanner(config);
    this.intervals = new FamilyIntervals(config);
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
      planner.plan(w, candAll, aligned, prepared, checks);
    }
    intervals.decide(checks, cand, aligned, candAll.size());
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
        double improvement = m.higherIsBetter() ? c - b : b - c;
        parts.add(
            id + " " + fmt(b) + " → " + fmt(c) + " (improvement " + signed(improvement) + ")");
      }
    }
    return "Reported, not gated: " + String.join(", ", parts) + ".";
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

  /** The reports' one number format ({@link ReportNumbers#value}). */
  static String fmt(double v) {
    return GateReasons.fmt(v);
  }

  /** The reports' one signed format ({@link ReportNumbers#signed}). */
  static String signed(double v) {
    return GateReasons.signed(v);
  }
}
