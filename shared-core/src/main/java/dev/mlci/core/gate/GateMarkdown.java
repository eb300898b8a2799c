package dev.mlci.core.gate;

import java.util.List;
import java.util.Locale;

/**
 * The pull-request report: GitHub-flavoured Markdown with a verdict line, a table per rule, a
 * Mermaid chart of the changes with their intervals (rendered by GitHub, no image hosting) and the
 * same numbers as a plain table for viewers without Mermaid. Always under {@value #LIMIT}
 * characters.
 */
public final class GateMarkdown {
  /**
   * Hidden marker that identifies mlci's report (e.g. to update one sticky pull-request comment).
   */
  public static final String MARKER = "<!-- mlci-gate-report -->";

  /** Size limit, below GitHub's 65,536-character comment limit. */
  public static final int LIMIT = 60_000;

  private GateMarkdown() {}

  public static String render(GateResult r, GateReportContext ctx) {
    String full = render(r, ctx, true);
    return full.length() <= LIMIT ? full : truncate(render(r, ctx, false));
  }

  private static String truncate(String md) {
    if (md.length() <= LIMIT) {
      return md;
    }
    String note =
        "\n\n_… report truncated to "
            + LIMIT
            + " characters; the full report is gate.html / gate.json._\n";
    return md.substring(0, LIMIT - note.length()) + note;
  }

  private static String render(GateResult r, GateReportContext ctx, boolean details) {
    StringBuilder md = new StringBuilder(MARKER).append('\n');
    md.append("## ")
        .append(icon(r.verdict()))
        .append(" mlci gate: **")
        .append(r.verdict())
        .append("** — ")
        .append(escape(ctx.name()))
        .append("\n\n");
    if (r.baseline().missing()) {
      md.append("> [!WARNING]\n> **No baseline**: ")
          .append(escape(r.baseline().description()))
          .append(". Only absolute bounds were checked; nothing was compared.\n\n");
    }
    if (r.failsBuild()) {
      md.append("The build fails: ")
          .append(
              r.verdict() == Verdict.FAIL
                  ? "a rule found a regression beyond its tolerance, larger than test-set noise."
                  : "a rule is inconclusive and the gate is set to fail on inconclusive.")
          .append("\n\n");
    }
    md.append("| metric | baseline | candidate | Δ | ")
        .append(confidenceHeader(r))
        .append(" | verdict |\n");
    md.append("|---|---:|---:|---:|---|---|\n");
    for (RuleResult rule : r.rules()) {
      md.append("| ")
          .append(escape(rule.rule().describe()))
          .append(' ')
          .append(rule.higherIsBetter() ? "↑" : "↓")
          .append(" | ")
          .append(rule.baseline().isPresent() ? fmt(rule.baseline().getAsDouble()) : "—")
          .append(" | ")
          .append(Double.isNaN(rule.candidate()) ? "n/a" : fmt(rule.candidate()))
          .append(" | ")
          .append(rule.interval().map(i -> signed(raw(rule, i.estimate()))).orElse("—"))
          .append(" | ")
          .append(rule.interval().map(i -> rawInterval(rule, i)).orElse("—"))
          .append(" | ")
          .append(icon(rule.verdict()))
          .append(' ')
          .append(rule.verdict())
          .append(" |\n");
    }
    md.append('\n');
    md.append("<details><summary>Why each rule decided as it did</summary>\n\n");
    for (RuleResult rule : r.rules()) {
      md.append("- **")
          .append(escape(rule.rule().describe()))
          .append("**: ")
          .append(escape(String.join("; ", rule.reasons())))
          .append(".");
      rule.interval()
          .filter(i -> !i.note().isEmpty())
          .ifPresent(i -> md.append(" _").append(escape(i.note())).append("_"));
      rule.interval()
          .filter(i -> !Double.isNaN(i.pValue()))
          .ifPresent(
              i ->
                  md.append(" p = ")
                      .append(String.format(Locale.ROOT, "%.4g", i.pValue()))
                      .append('.'));
      md.append('\n');
    }
    md.append("\n</details>\n\n");
    List<RuleResult> charted = r.rules().stream().filter(x -> x.interval().isPresent()).toList();
    if (!charted.isEmpty() && details) {
      md.append(mermaid(charted));
      md.append("\n<details><summary>Chart data (change, positive = better)</summary>\n\n");
      md.append(
          "| metric | change | interval low | interval high | tolerated drop |\n|---|---:|---:|---:|---:|\n");
      for (RuleResult rule : charted) {
        Interval i = rule.interval().orElseThrow();
        md.append("| ")
            .append(escape(rule.metric()))
            .append(" | ")
            .append(signed(i.estimate()))
            .append(" | ")
            .append(signed(i.lo()))
            .append(" | ")
            .append(signed(i.hi()))
            .append(" | ")
            .append((rule.tolerance() == 0 ? "0" : fmt(-rule.tolerance())))
            .append(" |\n");
      }
      md.append("\n</details>\n\n");
    }
    for (String note : r.notes()) {
      md.append("> ").append(escape(note)).append("\n");
    }
    if (!r.notes().isEmpty()) {
      md.append('\n');
    }
    md.append("<sub>Baseline: ").append(escape(r.baseline().description()));
    r.candidateCommit()
        .ifPresent(
            c -> md.append(" · candidate `").append(c, 0, Math.min(12, c.length())).append('`'));
    GateResult.Pairing p = r.pairing();
    if (!r.baseline().missing()) {
      md.append(" · ")
          .append(
              p.paired()
                  ? p.common() + " paired examples"
                  : "unpaired: " + p.common() + " common examples");
    }
    md.append(" · paired bootstrap ")
        .append(ctx.resamples())
        .append(" resamples, seed ")
        .append(ctx.seed())
        .append(" · <a href=\"https://github.com/mlci/mlci#gate\">how to read this</a></sub>\n");
    return md.toString();
  }

  /**
   * A Mermaid xychart: bars for the change (positive = better), lines for the interval and the
   * tolerated drop.
   */
  static String mermaid(List<RuleResult> rules) {
    double min = 0;
    double max = 0;
    for (RuleResult r : rules) {
      Interval i = r.interval().orElseThrow();
      min = Math.min(min, Math.min(finite(i.lo()), -r.tolerance()));
      max = Math.max(max, Math.max(finite(i.hi()), finite(i.estimate())));
    }
    double pad = Math.max(1e-4, (max - min) * 0.1);
    StringBuilder sb = new StringBuilder("```mermaid\nxychart-beta\n");
    sb.append(
        "  title \"Change vs baseline (positive = better): bar = estimate, lines = interval and tolerated drop\"\n");
    sb.append("  x-axis [");
    for (int k = 0; k < rules.size(); k++) {
      sb.append(k > 0 ? ", " : "")
          .append('"')
          .append(rules.get(k).metric().replace("\"", "'"))
          .append('"');
    }
    sb.append("]\n");
    sb.append(
        String.format(Locale.ROOT, "  y-axis \"change\" %.4f --> %.4f%n", min - pad, max + pad));
    sb.append("  bar ").append(series(rules, 0)).append('\n');
    sb.append("  line ").append(series(rules, 1)).append('\n');
    sb.append("  line ").append(series(rules, 2)).append('\n');
    sb.append("  line ").append(series(rules, 3)).append('\n');
    sb.append("```\n");
    return sb.toString();
  }

  private static String series(List<RuleResult> rules, int which) {
    StringBuilder sb = new StringBuilder("[");
    for (int k = 0; k < rules.size(); k++) {
      Interval i = rules.get(k).interval().orElseThrow();
      double v =
          switch (which) {
            case 0 -> i.estimate();
            case 1 -> i.lo();
            case 2 -> i.hi();
            default -> -rules.get(k).tolerance();
          };
      sb.append(k > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.5f", finite(v)));
    }
    return sb.append(']').toString();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v + 0.0 : 0; // + 0.0 turns -0.0 into 0.0
  }

  private static String confidenceHeader(GateResult r) {
    return r.rules().stream().map(RuleResult::confidence).distinct().count() == 1
            && !r.rules().isEmpty()
        ? String.format(Locale.ROOT, "%.0f%% CI", r.rules().get(0).confidence() * 100)
        : "CI";
  }

  /** The change in the metric's own units (candidate minus baseline). */
  private static double raw(RuleResult rule, double oriented) {
    return rule.higherIsBetter() ? oriented : -oriented;
  }

  private static String rawInterval(RuleResult rule, Interval i) {
    double a = raw(rule, i.lo());
    double b = raw(rule, i.hi());
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return "undefined";
    }
    return "[" + signed(Math.min(a, b)) + ", " + signed(Math.max(a, b)) + "]";
  }

  static String icon(Verdict v) {
    return switch (v) {
      case PASS -> "✅";
      case FAIL -> "❌";
      case INCONCLUSIVE -> "⚠️";
      case ACCEPTED -> "☑️";
    };
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }

  static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
