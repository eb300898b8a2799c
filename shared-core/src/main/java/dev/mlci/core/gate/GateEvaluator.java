package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Applies the gate's rules to a candidate evaluation and (optionally) a baseline evaluation.
 *
 * <p>For a rule with tolerance {@code δ} on the oriented difference {@code d = candidate -
 * baseline} (negated when lower is better) with confidence interval {@code [lo, hi]}: <b>FAIL</b>
 * if {@code hi < -δ}; <b>PASS</b> if {@code lo >= -δ}; otherwise <b>INCONCLUSIVE</b>. Absolute
 * bounds ({@code min}, {@code max}) are checked on the candidate's point value. The gate FAILs when
 * any rule FAILs (unless accepted), is INCONCLUSIVE when any rule is, else PASSes.
 */
public final class GateEvaluator {
  /** Power used for the detectable drop each rule reports. */
  public static final double POWER = 0.8;

  private final GateConfig config;

  public GateEvaluator(GateConfig config) {
    this.config = config;
  }

  /**
   * Decides.
   *
   * @param reportedMetrics the metrics ml.yaml reports (the default rules check each)
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
    if (rules.isEmpty()) {
      // Default rules: every reported metric the candidate has a value for.
      rules = new ArrayList<>();
      for (String metric : reportedMetrics) {
        if (candidate.undefined().containsKey(metric)) {
          notes.add(metric + " is not gated: " + candidate.undefined().get(metric) + ".");
        } else {
          rules.add(GateRule.noDrop(metric));
        }
      }
    }
    Aligned aligned = null;
    GateResult.Pairing pairing = GateResult.Pairing.none(candidate.predictions().size());
    if (baseline.isPresent()) {
      aligned = align(baseline.get().predictions(), candidate.predictions());
      pairing = aligned.pairing;
      if (!pairing.identical()) {
        notes.add(
            "The test set changed: "
                + pairing.common()
                + " examples in common, "
                + pairing.onlyBaseline()
                + " only in the baseline, "
                + pairing.onlyCandidate()
                + " only in the candidate"
                + (pairing.changedTruth() > 0
                    ? ", " + pairing.changedTruth() + " with a different true value"
                    : "")
                + ". "
                + (pairing.paired()
                    ? "Comparisons are paired on the common examples."
                    : "Too few in common: comparisons are unpaired (less sensitive)."));
      }
    } else {
      notes.add(
          "NO BASELINE: " + baselineInfo.description() + ". Only absolute bounds were checked.");
    }
    List<RuleResult> results = new ArrayList<>();
    // Preparing ROC AUC sorts the scores: once per set of predictions (by identity), not once per
    // rule.
    Map<Predictions, Map<Metric, MetricFunction>> prepared = new java.util.IdentityHashMap<>();
    for (GateRule rule : rules) {
      results.add(evaluateRule(rule, candidate, aligned, baselineInfo, prepared));
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

  private RuleResult evaluateRule(
      GateRule rule,
      EvaluationBundle candidate,
      Aligned aligned,
      BaselineInfo baselineInfo,
      Map<Predictions, Map<Metric, MetricFunction>> prepared) {
    Metric metric = Metric.byId(rule.metric()).orElseThrow();
    boolean higher = rule.higherIsBetterFor(metric);
    double confidence = rule.confidence().orElse(config.confidence());
    List<String> reasons = new ArrayList<>();
    Verdict verdict = Verdict.PASS;
    // The aligned candidate is the candidate's own predictions, in its order: one preparation
    // serves both.
    double candidateValue = prepare(prepared, metric, candidate.predictions()).value(null);

    if (rule.min().isPresent() || rule.max().isPresent()) {
      if (Double.isNaN(candidateValue)) {
        verdict = Verdict.INCONCLUSIVE;
        reasons.add(
            metric.id()
                + " is undefined on the candidate's predictions, so its bounds cannot be checked");
      } else {
        if (rule.min().isPresent() && candidateValue < rule.min().getAsDouble()) {
          verdict = Verdict.FAIL;
          reasons.add(
              String.format(
                  Locale.ROOT,
                  "%.4f is below the minimum %s",
                  candidateValue,
                  rule.min().getAsDouble()));
        }
        if (rule.max().isPresent() && candidateValue > rule.max().getAsDouble()) {
          verdict = Verdict.FAIL;
          reasons.add(
              String.format(
                  Locale.ROOT,
                  "%.4f is above the maximum %s",
                  candidateValue,
                  rule.max().getAsDouble()));
        }
        if (verdict == Verdict.PASS) {
          reasons.add("within its absolute bounds");
        }
      }
    }

    OptionalDouble baselineValue = OptionalDouble.empty();
    Optional<Interval> interval = Optional.empty();
    double tolerance = 0;
    double detectable = Double.NaN;
    Optional<GateConfig.Acceptance> accepted = Optional.empty();
    if (rule.comparesWithBaseline()) {
      if (aligned == null) {
        reasons.add("no baseline to compare with");
      } else {
        MetricFunction base = prepare(prepared, metric, aligned.baseline);
        MetricFunction cand = prepare(prepared, metric, aligned.candidate);
        double b = base.value(null);
        if (Double.isNaN(b) || Double.isNaN(cand.value(null))) {
          verdict = worse(verdict, Verdict.INCONCLUSIVE);
          reasons.add(
              metric.id()
                  + " is undefined on the "
                  + (Double.isNaN(b) ? "baseline" : "candidate")
                  + "'s predictions");
        } else {
          baselineValue = OptionalDouble.of(b);
          tolerance = tolerance(rule, b);
          Interval ci = interval(rule, metric, higher, confidence, aligned, base, cand);
          interval = Optional.of(ci);
          detectable = detectableDrop(ci, confidence);
          Verdict relative;
          if (ci.hi() < -tolerance) {
            relative = Verdict.FAIL;
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "worse than the baseline beyond the tolerated drop %s: the %.0f%% interval of the"
                        + " improvement [%s, %s] lies below %s",
                    fmt(tolerance),
                    confidence * 100,
                    fmt(ci.lo()),
                    fmt(ci.hi()),
                    fmt(-tolerance)));
          } else if (ci.lo() >= -tolerance) {
            relative = Verdict.PASS;
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "no drop beyond %s: the %.0f%% interval of the improvement [%s, %s] lies at or above %s",
                    fmt(tolerance),
                    confidence * 100,
                    fmt(ci.lo()),
                    fmt(ci.hi()),
                    fmt(-tolerance)));
          } else {
            relative = Verdict.INCONCLUSIVE;
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "cannot tell: the %.0f%% interval of the improvement [%s, %s] straddles %s",
                    confidence * 100,
                    fmt(ci.lo()),
                    fmt(ci.hi()),
                    fmt(-tolerance)));
          }
          if (!Double.isNaN(detectable) && detectable > 0) {
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "this test set detects (80%% power) drops larger than %s beyond the tolerance",
                    fmt(detectable)));
          }
          if (relative == Verdict.FAIL) {
            accepted =
                config.accept().stream()
                    .filter(
                        a ->
                            a.metric().equals(metric.id())
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
          verdict = combine(verdict, relative);
        }
      }
    }
    return new RuleResult(
        rule,
        higher,
        baselineValue,
        candidateValue,
        interval,
        tolerance,
        confidence,
        detectable,
        verdict,
        reasons,
        accepted);
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

  private Interval interval(
      GateRule rule,
      Metric metric,
      boolean higher,
      double confidence,
      Aligned aligned,
      MetricFunction base,
      MetricFunction cand) {
    boolean paired = aligned.pairing.paired();
    return switch (rule.test()) {
      case NONE -> Interval.point((higher ? 1 : -1) * (cand.value(null) - base.value(null)));
      case MCNEMAR -> {
        if (paired && aligned.candidate instanceof ClassificationPredictions c) {
          Interval m =
              McNemar.test(
                  correct((ClassificationPredictions) aligned.baseline), correct(c), confidence);
          // Accuracy rises with c - b; for a direction override the difference flips.
          yield higher
              ? m
              : new Interval(
                  -m.estimate(),
                  -m.hi(),
                  -m.lo(),
                  m.standardError(),
                  m.method(),
                  m.pValue(),
                  m.note());
        }
        yield Bootstrap.unpaired(
            base,
            aligned.baseline.size(),
            cand,
            aligned.candidate.size(),
            higher,
            confidence,
            config.resamples(),
            config.seed());
      }
      case PAIRED_BOOTSTRAP ->
          paired
              ? Bootstrap.paired(
                  base,
                  cand,
                  aligned.candidate.size(),
                  higher,
                  confidence,
                  config.resamples(),
                  config.seed())
              : Bootstrap.unpaired(
                  base,
                  aligned.baseline.size(),
                  cand,
                  aligned.candidate.size(),
                  higher,
                  confidence,
                  config.resamples(),
                  config.seed());
    };
  }

  /**
   * The smallest true drop (beyond the tolerance) this test set detects with {@link #POWER} power
   * at this confidence: {@code (z_{1-α/2} + z_power) · SE}.
   */
  static double detectableDrop(Interval ci, double confidence) {
    if (Double.isNaN(ci.standardError()) || ci.method().equals("none")) {
      return Double.NaN;
    }
    NormalDistribution z = NormalDistribution.of(0, 1);
    return (z.inverseCumulativeProbability(1 - (1 - confidence) / 2)
            + z.inverseCumulativeProbability(POWER))
        * ci.standardError();
  }

  private static boolean[] correct(ClassificationPredictions p) {
    boolean[] right = new boolean[p.size()];
    for (int i = 0; i < right.length; i++) {
      right[i] = p.truth()[i] == p.predicted()[i];
    }
    return right;
  }

  static String fmt(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** Baseline and candidate predictions matched by example id. */
  private record Aligned(Predictions baseline, Predictions candidate, GateResult.Pairing pairing) {}

  /** Fewest common examples a paired comparison on a changed test set is made on. */
  static final int MIN_COMMON = 30;

  /**
   * Matches by id (and true value). Identical test sets are paired whole; a changed test set is
   * paired on the examples both hold with the same true value when they are at least half of the
   * candidate's (and {@value #MIN_COMMON}); otherwise both are kept whole and the comparison is
   * unpaired.
   */
  static Aligned align(Predictions baseline, Predictions candidate) {
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
          subset(baseline, baselineRows), candidate, new GateResult.Pairing(true, common, 0, 0, 0));
    }
    boolean paired = common >= MIN_COMMON && 2 * common >= candidate.size();
    GateResult.Pairing pairing =
        new GateResult.Pairing(paired, common, onlyBaseline, onlyCandidate, changed);
    return paired
        ? new Aligned(subset(baseline, baselineRows), subset(candidate, candidateRows), pairing)
        : new Aligned(baseline, candidate, pairing);
  }

  private static boolean sameTruth(Predictions a, int i, Predictions b, int j) {
    if (a instanceof ClassificationPredictions ca && b instanceof ClassificationPredictions cb) {
      return ca.classes().get(ca.truth()[i]).equals(cb.classes().get(cb.truth()[j]));
    }
    return ((RegressionPredictions) a).truth()[i] == ((RegressionPredictions) b).truth()[j];
  }

  private static Predictions subset(Predictions p, List<Integer> rows) {
    int[] order = rows.stream().mapToInt(Integer::intValue).toArray();
    return reorder(p, order);
  }

  private static Predictions reorder(Predictions p, int[] order) {
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
