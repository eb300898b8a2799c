package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule as every report shows it: the numbers of a {@link RuleResult} in the reports' one sign
 * convention ({@link GateView#CONVENTION}: the change is the <em>improvement</em>, positive =
 * better, for every metric) and their text in the reports' one number format ({@link
 * ReportNumbers}). gate.md, gate.html, gate-junit.xml, gate.json and the CLI's text all render from
 * this record, so they cannot disagree.
 *
 * @param metric the metric's id
 * @param rule the rule as written, e.g. {@code accuracy min 0.9 max_drop 0.02 (paired-bootstrap)}
 * @param index position in {@code gate.rules}; -1 for a default rule
 * @param line the rule's line in ml.yaml; 0 when unknown
 * @param higherIsBetter the metric's direction
 * @param baseline the baseline's value on the compared examples; NaN without a baseline
 * @param candidate the candidate's value; NaN when undefined
 * @param improvement the interval of the improvement (candidate − baseline, negated where lower is
 *     better), when the rule compares with a baseline
 * @param toleratedDrop the tolerated drop, a magnitude in metric units (0 when none): the rule
 *     FAILs when the whole improvement interval lies below {@code -toleratedDrop}
 * @param confidence the interval's confidence
 * @param detectableDrop the smallest drop beyond the tolerance this test set detects with 80%
 *     power; NaN without an interval
 * @param verdict the rule's verdict
 * @param reasons why, one sentence each
 * @param accepted the acceptance that turned a FAIL into ACCEPTED
 * @param seedSpread how far retraining alone moves the metric ({@code gate.training_noise})
 */
public record RuleView(
    String metric,
    String rule,
    int index,
    int line,
    boolean higherIsBetter,
    double baseline,
    double candidate,
    Optional<Interval> improvement,
    double toleratedDrop,
    double confidence,
    double detectableDrop,
    Verdict verdict,
    List<String> reasons,
    Optional<GateConfig.Acceptance> accepted,
    Optional<SeedSpread> seedSpread) {
  public RuleView {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(improvement, "improvement");
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(accepted, "accepted");
    Objects.requireNonNull(seedSpread, "seedSpread");
    if (!(toleratedDrop >= 0)) {
      throw new IllegalArgumentException(
          "the tolerated drop of " + metric + " must be a magnitude >= 0, not " + toleratedDrop);
    }
  }

  /** The view of one result; the interval is oriented already (see {@link Interval}). */
  public static RuleView of(RuleResult r) {
    return new RuleView(
        r.metric(),
        r.rule().describe(),
        r.rule().index(),
        r.rule().line(),
        r.higherIsBetter(),
        r.baseline().isPresent() ? r.baseline().getAsDouble() : Double.NaN,
        r.candidate(),
        r.interval(),
        Math.abs(r.tolerance()),
        r.confidence(),
        r.detectableDrop(),
        r.verdict(),
        r.reasons(),
        r.accepted(),
        r.seedSpread());
  }

  /**
   * With {@code gate.training_noise}: "retraining alone moves roc_auc by ±0.0040 (3 seeds)", the
   * line every report shows under the rule.
   */
  public Optional<String> trainingNoiseText() {
    return seedSpread.map(
        sp ->
            "retraining alone moves "
                + metric
                + " by ±"
                + ReportNumbers.value(sp.standardDeviation())
                + " ("
                + sp.seeds()
                + " seeds)");
  }

  /** {@code ↑} where higher is better, {@code ↓} where lower is. */
  public String arrow() {
    return higherIsBetter ? "↑" : "↓";
  }

  /** {@code higher is better} or {@code lower is better}. */
  public String direction() {
    return higherIsBetter ? "higher is better" : "lower is better";
  }

  public boolean hasBaseline() {
    return !Double.isNaN(baseline);
  }

  /** Where the tolerance line lies in improvement units: {@code -toleratedDrop}. */
  public double toleranceLine() {
    return -toleratedDrop + 0.0;
  }

  public String baselineText() {
    return hasBaseline() ? ReportNumbers.value(baseline) : "—";
  }

  public String candidateText() {
    return ReportNumbers.value(candidate);
  }

  /** The improvement's estimate with its sign, or {@code —} when nothing was compared. */
  public String improvementText() {
    return improvement.map(i -> ReportNumbers.signed(i.estimate())).orElse("—");
  }

  /** The improvement's interval, low end first, or {@code —}. */
  public String intervalText() {
    return improvement.map(i -> ReportNumbers.interval(i.lo(), i.hi())).orElse("—");
  }

  /** The tolerated drop (a magnitude), or {@code —} when nothing was compared. */
  public String toleratedDropText() {
    return improvement.isPresent() ? ReportNumbers.value(toleratedDrop) : "—";
  }

  public String detectableDropText() {
    return Double.isNaN(detectableDrop) ? "—" : ReportNumbers.value(detectableDrop);
  }

  /** The comparison method, e.g. {@code paired-bootstrap}, or empty. */
  public String method() {
    return improvement.map(Interval::method).orElse("");
  }

  /**
   * The rule's numbers in one line, as the CLI and CI annotations show them: {@code 0.9982 →
   * 0.8191, improvement -0.1791 [-0.2656, -0.1010], tolerated drop 0.0100}, or {@code candidate
   * 0.7143: <first reason>} when nothing was compared.
   */
  public String summary() {
    if (improvement.isPresent()) {
      return baselineText()
          + " → "
          + candidateText()
          + ", improvement "
          + improvementText()
          + " "
          + intervalText()
          + ", tolerated drop "
          + toleratedDropText();
    }
    return "candidate " + candidateText() + (reasons.isEmpty() ? "" : ": " + reasons.get(0));
  }

  /** The verdict and its reasons in one line. */
  public String why() {
    return verdict + ": " + String.join("; ", reasons);
  }
}
