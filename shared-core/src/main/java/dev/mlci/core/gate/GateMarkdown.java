package dev.mlci.core.gate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The pull-request report: GitHub-flavoured Markdown with a verdict line, a table per rule, a
 * Mermaid chart per rule of the change with its interval and the tolerated drop (rendered by
 * GitHub, no image hosting) and the same numbers as a plain table for viewers without Mermaid.
 * Always under {@value #LIMIT} characters: when a report would be longer, whole sections are
 * dropped (charts, then explanations, then table rows), never the verdict, the notes or the footer.
 */
public final class GateMarkdown {
  /**
   * Hidden marker that identifies mlci's report (e.g. to update one sticky pull-request comment).
   */
  public static final String MARKER = "<!-- mlci-gate-report -->";

  /** Size limit, below GitHub's 65,536-character comment limit. */
  public static final int LIMIT = 60_000;

  /** Most rules that get a chart; the table covers them all. */
  static final int MAX_CHARTS = 12;

  private GateMarkdown() {}

  public static String render(GateResult r, GateReportContext ctx) {
    String head = head(r, ctx);
    String tail = tail(r, ctx);
    List<String> rows = new ArrayList<>();
    for (RuleResult rule : r.rules()) {
      rows.add(row(rule));
    }
    String why = why(r);
    String charts = charts(r);
    // Drop the least essential sections first, then table rows, until the report fits.
    for (int level = 0; ; level++) {
      boolean withCharts = level == 0;
      boolean withWhy = level <= 1;
      int keptRows = level <= 2 ? rows.size() : Math.max(0, rows.size() - (level - 2) * 50);
      StringBuilder md =
          new StringBuilder(head).append(TABLE_HEADER.formatted(confidenceHeader(r)));
      rows.subList(0, keptRows).forEach(md::append);
      if (keptRows < rows.size()) {
        md.append("\n_… ")
            .append(rows.size() - keptRows)
            .append(" more rules in gate.json and gate.html (report kept under ")
            .append(LIMIT)
            .append(" characters)._\n");
      }
      md.append('\n');
      if (withWhy) {
        md.append(why);
      }
      if (withCharts) {
        md.append(charts);
      }
      if (level > 0) {
        md.append("_Some sections were left out to keep this report under ")
            .append(LIMIT)
            .append(" characters; gate.html and gate.json have everything._\n\n");
      }
      md.append(tail);
      if (md.length() <= LIMIT || keptRows == 0) {
        return md.length() <= LIMIT ? md.toString() : md.substring(0, LIMIT);
      }
    }
  }

  private static final String TABLE_HEADER =
      "| metric | baseline | candidate | Δ | %s | verdict |\n|---|---:|---:|---:|---|---|\n";

  private static String head(GateResult r, GateReportContext ctx) {
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
      boolean ruleFailed = r.rules().stream().anyMatch(x -> x.verdict() == Verdict.FAIL);
      md.append("The build fails: ")
          .append(
              ruleFailed
                  ? String.format(
                      Locale.ROOT,
                      "a rule found a regression beyond its tolerance, larger than test-set noise"
                          + " (all rules together turn equal models red in at most %.1f%% of"
                          + " builds).",
                      100 * (1 - r.rules().get(0).confidence()) / 2)
                  : r.verdict() == Verdict.FAIL
                      ? "there is no baseline and gate.on_missing is fail."
                      : "a rule is inconclusive and the gate is set to fail on inconclusive.")
          .append("\n\n");
    }
    for (RuleResult rule : r.rules()) {
      rule.seedSpread()
          .ifPresent(
              sp ->
                  md.append("Retraining alone moves ")
                      .append(escape(rule.metric()))
                      .append(" by ±")
                      .append(fmt(sp.standardDeviation()))
                      .append(" (")
                      .append(sp.seeds())
                      .append(" seeds).\n\n"));
    }
    return md.toString();
  }

  private static String row(RuleResult rule) {
    return "| "
        + escape(rule.rule().describe())
        + ' '
        + (rule.higherIsBetter() ? "↑" : "↓")
        + " | "
        + (rule.baseline().isPresent() ? fmt(rule.baseline().getAsDouble()) : "—")
        + " | "
        + (Double.isNaN(rule.candidate()) ? "n/a" : fmt(rule.candidate()))
        + " | "
        + rule.interval().map(i -> signed(raw(rule, i.estimate()))).orElse("—")
        + " | "
        + rule.interval().map(i -> rawInterval(rule, i)).orElse("—")
        + " | "
        + icon(rule.verdict())
        + ' '
        + rule.verdict()
        + " |\n";
  }

  private static String why(GateResult r) {
    StringBuilder md =
        new StringBuilder("<details><summary>Why each rule decided as it did</summary>\n\n");
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
    return md.append("\n</details>\n\n").toString();
  }

  /**
   * One Mermaid chart per rule: the interval's low end, the estimate and the high end of the
   * improvement (positive = better), with the tolerated drop and zero as reference lines. Lines
   * only: Mermaid draws bars from the bottom of the axis, which would misstate negative changes.
   */
  static String charts(GateResult r) {
    List<RuleResult> charted = r.rules().stream().filter(x -> x.interval().isPresent()).toList();
    if (charted.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append(
        "<details open><summary>Charts: improvement vs baseline (positive = better), with its interval and the"
            + " tolerated drop</summary>\n\n");
    for (RuleResult rule : charted.subList(0, Math.min(MAX_CHARTS, charted.size()))) {
      md.append(chart(rule));
    }
    md.append(
        "| metric | improvement | interval low | interval high | tolerated drop |\n|---|---:|---:|---:|---:|\n");
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
          .append(rule.tolerance() == 0 ? "0" : fmt(-rule.tolerance()))
          .append(" |\n");
    }
    return md.append("\n</details>\n\n").toString();
  }

  private static String chart(RuleResult rule) {
    Interval i = rule.interval().orElseThrow();
    double lo = finite(i.lo());
    double hi = finite(i.hi());
    double tol = -rule.tolerance() + 0.0;
    double min = Math.min(Math.min(lo, tol), 0);
    double max = Math.max(Math.max(hi, finite(i.estimate())), 0);
    double pad = Math.max(1e-4, (max - min) * 0.15);
    return "```mermaid\nxychart-beta\n"
        + "  title \""
        + rule.metric().replace("\"", "'")
        + " ("
        + rule.verdict()
        + "): "
        + signed(i.estimate())
        + " ["
        + signed(lo)
        + ", "
        + signed(hi)
        + "]\"\n"
        + "  x-axis [\"interval low\", \"estimate\", \"interval high\"]\n"
        + String.format(
            Locale.ROOT, "  y-axis \"improvement\" %.5f --> %.5f%n", min - pad, max + pad)
        + String.format(Locale.ROOT, "  line [%.5f, %.5f, %.5f]%n", lo, finite(i.estimate()), hi)
        + String.format(Locale.ROOT, "  line [%.5f, %.5f, %.5f]%n", tol, tol, tol)
        + "  line [0, 0, 0]\n```\n\n";
  }

  private static String tail(GateResult r, GateReportContext ctx) {
    StringBuilder md = new StringBuilder();
    for (String note : r.notes()) {
      md.append("> ").append(escape(note)).append("\n");
    }
    if (!r.notes().isEmpty()) {
      md.append('\n');
    }
    md.append("<sub>Baseline: ").append(escape(r.baseline().description()));
    r.candidateCommit()
        .ifPresent(c -> md.append(" · candidate `").append(BaselineInfo.abbreviate(c)).append('`'));
    GateResult.Pairing p = r.pairing();
    if (!r.baseline().missing()) {
      md.append(" · ")
          .append(
              p.paired()
                  ? p.common() + " paired examples"
                  : "unpaired: " + p.common() + " common examples");
    }
    Set<String> methods = new LinkedHashSet<>();
    r.rules().forEach(rule -> rule.interval().ifPresent(i -> methods.add(i.method())));
    if (!methods.isEmpty()) {
      md.append(" · ").append(String.join(", ", methods));
      if (methods.stream().anyMatch(m -> m.endsWith("bootstrap"))) {
        md.append(" (")
            .append(ctx.resamples())
            .append(" resamples, seed ")
            .append(ctx.seed())
            .append(')');
      }
    }
    md.append(" · <a href=\"https://github.com/mlci/mlci#the-gate\">how to read this</a></sub>\n");
    return md.toString();
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
  static double raw(RuleResult rule, double oriented) {
    return rule.higherIsBetter() ? oriented : -oriented;
  }

  /** The interval in the metric's own units, low end first. */
  static String rawInterval(RuleResult rule, Interval i) {
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

  /** Four decimals; a value that rounds to zero never prints as {@code -0.0000}. */
  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.equals("-0.0000") ? "0.0000" : s;
  }

  static String signed(double v) {
    String s = String.format(Locale.ROOT, "%+.4f", v + 0.0);
    return s.equals("-0.0000") ? "+0.0000" : s;
  }

  static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
