package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one report model of a gate, built once from its {@link GateResult}: gate.md, gate.html,
 * gate-junit.xml, gate.json and the CLI's text all render from it, with one number format ({@link
 * ReportNumbers}) and one sign convention ({@link #CONVENTION}).
 *
 * @param name the model name
 * @param verdict the gate's verdict
 * @param failsBuild whether the build fails (red)
 * @param headline the one-line summary
 * @param outcome what happens to the build and why, in a sentence (every verdict, INCONCLUSIVE
 *     included, says whether the build is red or green)
 * @param baseline where the baseline came from
 * @param candidateCommit the candidate's commit, if known
 * @param pairing how the examples were matched
 * @param target the target branch
 * @param resamples bootstrap resamples
 * @param seed bootstrap seed
 * @param rules one view per rule
 * @param notes the gate's notes, then the report's own (the majority-class comparison)
 * @param majority for classification: always predicting the most frequent class, the reference any
 *     classifier must beat
 * @param data the data gate's rules (schema and drift), rendered in every report's data section
 */
public record GateView(
    String name,
    Verdict verdict,
    boolean failsBuild,
    String headline,
    String outcome,
    BaselineInfo baseline,
    Optional<String> candidateCommit,
    GateResult.Pairing pairing,
    String target,
    int resamples,
    long seed,
    List<RuleView> rules,
    List<String> notes,
    Optional<MajorityClass> majority,
    DataGateResult data) {

  /** The sign convention of every report, said in each. */
  public static final String CONVENTION =
      "improvement = candidate − baseline where higher is better (↑), baseline − candidate where"
          + " lower is better (↓): positive is better for every metric; a rule FAILs when its whole"
          + " interval lies below −(tolerated drop)";

  public GateView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(headline, "headline");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(candidateCommit, "candidateCommit");
    Objects.requireNonNull(pairing, "pairing");
    Objects.requireNonNull(target, "target");
    rules = List.copyOf(rules);
    notes = List.copyOf(notes);
    Objects.requireNonNull(majority, "majority");
    Objects.requireNonNull(data, "data");
  }

  /**
   * Always predicting the most frequent true class of the candidate's test set.
   *
   * @param label the class
   * @param accuracy the accuracy of always predicting it (its share of the examples)
   * @param candidateAccuracy the candidate's accuracy on the same examples
   * @param baselineAccuracy the baseline's accuracy on its own examples; NaN without a baseline
   */
  public record MajorityClass(
      String label, double accuracy, double candidateAccuracy, double baselineAccuracy) {
    public MajorityClass {
      Objects.requireNonNull(label, "label");
    }

    /** Whether the candidate does no better than the constant prediction. */
    public boolean candidateAtOrBelow() {
      return candidateAccuracy <= accuracy;
    }

    /** The majority class as the reports quote it. */
    public String describe() {
      return "always predicting the majority class '"
          + label
          + "' scores accuracy "
          + ReportNumbers.value(accuracy);
    }
  }

  /** The view of a gate: everything the reports show, decided here once. */
  public static GateView of(GateResult r, GateReportContext ctx) {
    Optional<MajorityClass> majority = majority(ctx.candidate(), ctx.baseline());
    List<String> notes = new ArrayList<>(r.notes());
    majority.ifPresent(
        m -> {
          if (m.candidateAtOrBelow()) {
            notes.add(
                "The candidate's accuracy "
                    + ReportNumbers.value(m.candidateAccuracy())
                    + " is at or below "
                    + m.describe()
                    + ": it does no better than a constant.");
          }
          if (m.baselineAccuracy() <= m.accuracy()) {
            notes.add(
                "The baseline's accuracy "
                    + ReportNumbers.value(m.baselineAccuracy())
                    + " is at or below "
                    + m.describe()
                    + ": passing against it proves little.");
          }
        });
    return new GateView(
        ctx.name(),
        r.verdict(),
        r.failsBuild(),
        r.headline(),
        outcome(r),
        r.baseline(),
        r.candidateCommit(),
        r.pairing(),
        ctx.target(),
        ctx.resamples(),
        ctx.seed(),
        r.rules().stream().map(RuleView::of).toList(),
        notes,
        majority,
        r.data());
  }

  /** What happens to the build, red or green, and why. */
  static String outcome(GateResult r) {
    boolean ruleFailed = r.rules().stream().anyMatch(x -> x.verdict() == Verdict.FAIL);
    long accepted = r.rules().stream().filter(x -> x.verdict() == Verdict.ACCEPTED).count();
    String acceptedNote =
        accepted == 0
            ? ""
            : " "
                + accepted
                + (accepted == 1 ? " FAIL is" : " FAILs are")
                + " accepted by gate.accept.";
    if (r.failsBuild()) {
      if (r.data().verdict() == Verdict.FAIL && !ruleFailed) {
        return "The build fails (red): the data gate found "
            + r.data().failed()
            + (r.data().failed() == 1 ? " data rule" : " data rules")
            + " failing (a schema change, or drift whose whole interval lies beyond its"
            + " threshold); see the data section.";
      }
      if (ruleFailed) {
        return "The build fails (red): a rule found a regression beyond its tolerance, larger than"
            + " test-set noise (all rules together turn equal models red in at most "
            + String.format(Locale.ROOT, "%.1f%%", 100 * (1 - r.rules().get(0).confidence()) / 2)
            + " of builds).";
      }
      if (r.verdict() == Verdict.FAIL) {
        return "The build fails (red): there is no baseline and gate.on_missing is fail.";
      }
      return "The build fails (red): a rule is INCONCLUSIVE and the gate fails on inconclusive"
          + " (gate.inconclusive: fail in ml.yaml, or the gate step's fail-on-inconclusive"
          + " option).";
    }
    if (r.verdict() == Verdict.INCONCLUSIVE) {
      return "The build passes with a warning (green; Jenkins' mlGate marks it UNSTABLE): a rule is"
          + " INCONCLUSIVE (this test set cannot"
          + " tell whether the candidate is worse than tolerated) and gate.inconclusive is warn;"
          + " set gate.inconclusive: fail to turn such builds red."
          + acceptedNote;
    }
    return "The build passes (green)." + acceptedNote;
  }

  private static Optional<MajorityClass> majority(
      EvaluationBundle candidate, Optional<EvaluationBundle> baseline) {
    if (!(candidate.predictions() instanceof ClassificationPredictions c) || c.size() == 0) {
      return Optional.empty();
    }
    long[] counts = new long[c.classes().size()];
    for (int t : c.truth()) {
      counts[t]++;
    }
    int top = 0;
    for (int k = 1; k < counts.length; k++) {
      if (counts[k] > counts[top]) {
        top = k;
      }
    }
    double base =
        baseline
            .map(EvaluationBundle::predictions)
            .filter(ClassificationPredictions.class::isInstance)
            .map(p -> accuracy((ClassificationPredictions) p))
            .orElse(Double.NaN);
    return Optional.of(
        new MajorityClass(
            c.classes().get(top), (double) counts[top] / c.size(), accuracy(c), base));
  }

  private static double accuracy(ClassificationPredictions p) {
    if (p.size() == 0) {
      return Double.NaN;
    }
    long right = 0;
    for (int i = 0; i < p.size(); i++) {
      if (p.truth()[i] == p.predicted()[i]) {
        right++;
      }
    }
    return (double) right / p.size();
  }

  /** The comparison methods used, e.g. {@code paired-bootstrap (2000 resamples, seed 42)}. */
  public String methods() {
    Set<String> methods = new LinkedHashSet<>();
    rules.forEach(rule -> rule.improvement().ifPresent(i -> methods.add(i.method())));
    if (methods.isEmpty()) {
      return "";
    }
    String s = String.join(", ", methods);
    if (methods.stream().anyMatch(m -> m.endsWith("bootstrap"))) {
      s += " (" + resamples + " resamples, seed " + seed + ")";
    }
    return s;
  }

  /**
   * The interval column's name: {@code 95% CI} when all rules share a confidence, else {@code CI}.
   */
  public String confidenceHeader() {
    return rules.stream().map(RuleView::confidence).distinct().count() == 1
        ? ReportNumbers.percent(rules.get(0).confidence()) + " CI"
        : "CI";
  }
}
