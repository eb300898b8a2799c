package dev.mlci.core.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The gate as plain text lines, for a terminal or a build log (the CLI prints these). */
public final class GateText {
  private GateText() {}

  /**
   * The headline, the build's outcome, one line per rule (verdict, rule, improvement and interval,
   * or the first reason when nothing was compared), the notes and the sign convention.
   */
  public static List<String> lines(GateView v) {
    List<String> lines = new ArrayList<>();
    lines.add(v.headline());
    lines.add(v.outcome());
    for (RuleView rule : v.rules()) {
      lines.addAll(ruleLines(rule));
    }
    v.majority()
        .ifPresent(
            m ->
                lines.add(
                    "  reference: "
                        + m.describe()
                        + " (candidate "
                        + ReportNumbers.value(m.candidateAccuracy())
                        + ")"));
    for (String note : v.notes()) {
      lines.add("  note: " + note);
    }
    if (v.rules().stream().anyMatch(r -> r.improvement().isPresent())) {
      lines.add("  (" + GateView.CONVENTION + ")");
    }
    return lines;
  }

  /**
   * What {@code --quiet} prints: the headline and the lines of every rule that did not pass (a
   * FAIL, an INCONCLUSIVE or a warning), so a green gate is one line.
   */
  public static List<String> brief(GateView v) {
    List<String> lines = new ArrayList<>();
    lines.add(v.headline());
    for (RuleView rule : v.rules()) {
      if (rule.verdict() != Verdict.PASS) {
        lines.addAll(ruleLines(rule));
      }
    }
    return lines;
  }

  private static List<String> ruleLines(RuleView rule) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-13s %-47s %s",
            rule.verdict(),
            rule.rule() + " " + rule.arrow(),
            rule.summary()));
    rule.trainingNoiseText()
        .ifPresent(t -> lines.add(String.format(Locale.ROOT, "  %-13s %s", "", t)));
    return lines;
  }
}
