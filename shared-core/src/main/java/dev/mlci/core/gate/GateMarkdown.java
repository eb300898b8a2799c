package dev.mlci.core.gate;

import dev.mlci.core.errors.Docs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pull-request report: GitHub-flavoured Markdown with a verdict line, the build's outcome, a
 * table of the rules (the same numbers and signs as every other report: it renders a {@link
 * GateView}), and a Mermaid chart per rule of the improvement with its interval, the tolerated drop
 * and zero as named series with a legend line (rendered by GitHub, no image hosting), plus, for
 * classification, accuracy against always predicting the majority class. Always under {@value
 * #LIMIT} characters: when a report would be longer, whole sections are dropped (charts, then
 * explanations, then table rows), never the verdict, the notes or the footer.
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
    return render(GateView.of(r, ctx));
  }

  /** The report of a gate's view (the same view the other reports render). */
  public static String render(GateView v) {
    String head = head(v);
    String tail = tail(v);
    List<String> rows = new ArrayList<>();
    for (RuleView rule : v.rules()) {
      rows.add(row(rule));
    }
    String why = why(v);
    String charts = charts(v);
    String data = DataReport.markdown(v);
    // Drop the least essential sections first, then table rows, until the report fits.
    for (int level = 0; ; level++) {
      boolean withCharts = level == 0;
      boolean withWhy = level <= 1;
      int keptRows = level <= 2 ? rows.size() : Math.max(0, rows.size() - (level - 2) * 50);
      StringBuilder md = new StringBuilder(head);
      if (!v.rules().isEmpty()) {
        md.append(TABLE_HEADER.formatted(v.confidenceHeader()));
      }
      rows.subList(0, keptRows).forEach(md::append);
      if (keptRows < rows.size()) {
        md.append("\n_… ")
            .append(rows.size() - keptRows)
            .append(" more rules in gate.json and gate.html (report kept under ")
            .append(LIMIT)
            .append(" characters)._\n");
      }
      md.append('\n');
      if (v.rules().stream().anyMatch(x -> x.improvement().isPresent())) {
        md.append("<sub>").append(escape(GateView.CONVENTION)).append(".</sub>\n\n");
      }
      v.majority()
          .ifPresent(
              m ->
                  md.append("Reference: ")
                      .append(escape(m.describe()))
                      .append(" on the candidate's test set (candidate ")
                      .append(ReportNumbers.value(m.candidateAccuracy()))
                      .append(").\n\n"));
      md.append(data);
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
      "| metric | baseline | candidate | improvement | %s | tolerated drop | verdict |\n"
          + "|---|---:|---:|---:|---|---:|---|\n";

  private static String head(GateView v) {
    StringBuilder md = new StringBuilder(MARKER).append('\n');
    md.append("## ")
        .append(icon(v.verdict()))
        .append(" mlci gate: **")
        .append(v.verdict())
        .append("** — ")
        .append(escape(v.name()))
        .append("\n\n");
    if (v.baseline().missing()) {
      md.append("> [!WARNING]\n> **No baseline**: ")
          .append(escape(v.baseline().description()))
          .append(". Only absolute bounds were checked; nothing was compared.\n\n");
    }
    md.append(v.failsBuild() ? "**" : "").append(escape(v.outcome()));
    md.append(v.failsBuild() ? "**" : "").append("\n\n");
    for (RuleView rule : v.rules()) {
      rule.trainingNoiseText()
          .ifPresent(
              t ->
                  md.append(escape(Character.toUpperCase(t.charAt(0)) + t.substring(1)))
                      .append(".\n\n"));
    }
    return md.toString();
  }

  private static String row(RuleView rule) {
    return "| "
        + escape(rule.rule())
        + ' '
        + rule.arrow()
        + " | "
        + rule.baselineText()
        + " | "
        + rule.candidateText()
        + " | "
        + rule.improvementText()
        + " | "
        + rule.intervalText()
        + " | "
        + rule.toleratedDropText()
        + " | "
        + icon(rule.verdict())
        + ' '
        + rule.verdict()
        + " |\n";
  }

  private static String why(GateView v) {
    StringBuilder md =
        new StringBuilder("<details><summary>Why each rule decided as it did</summary>\n\n");
    for (RuleView rule : v.rules()) {
      md.append("- **")
          .append(escape(rule.rule()))
          .append("** (")
          .append(rule.direction())
          .append("): ")
          .append(escape(String.join("; ", rule.reasons())))
          .append(".");
      rule.improvement()
          .filter(i -> !i.note().isEmpty())
          .ifPresent(i -> md.append(" _").append(escape(i.note())).append("_"));
      rule.improvement()
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

  /** Series colours of the improvement charts, in the order of their series. */
  static final String PALETTE = "#0969da, #1a7f37, #cf222e, #24292f";

  /** Series colours of the accuracy chart: bars, then the majority-class line. */
  static final String ACCURACY_PALETTE = "#0969da, #cf222e";

  /**
   * One Mermaid chart per rule of the improvement (positive = better): four named series (the
   * interval from its low end through the estimate to its high end, the estimate, the tolerance
   * line and zero) and, under the chart, a legend line in the series' colours. Mermaid's xychart
   * draws a legend from the series' names only from the version that added {@code showLegend}
   * (enabled here); GitHub's Mermaid may be older, so the Markdown legend is what readers rely on.
   * Lines only: Mermaid draws bars from the bottom of the axis, which would misstate negative
   * changes. For classification, a last chart sets the accuracy of baseline and candidate against
   * always predicting the majority class.
   */
  static String charts(GateView v) {
    List<RuleView> charted = v.rules().stream().filter(x -> x.improvement().isPresent()).toList();
    if (charted.isEmpty() && v.majority().isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append(
        "<details open><summary>Charts: improvement vs baseline (positive = better), with its"
            + " interval and the tolerated drop</summary>\n\n");
    for (RuleView rule : charted.subList(0, Math.min(MAX_CHARTS, charted.size()))) {
      md.append(chart(rule));
    }
    v.majority().ifPresent(m -> md.append(accuracyChart(v, m)));
    return md.append("</details>\n\n").toString();
  }

  private static String init(String palette) {
    return "%%{init: {\"xyChart\": {\"showLegend\": true}, \"themeVariables\": {\"xyChart\":"
        + " {\"plotColorPalette\": \""
        + palette
        + "\"}}}}%%\n";
  }

  private static String chart(RuleView rule) {
    Interval i = rule.improvement().orElseThrow();
    double lo = finite(i.lo());
    double hi = finite(i.hi());
    double est = finite(i.estimate());
    double tol = rule.toleranceLine();
    double min = Math.min(Math.min(lo, tol), 0);
    double max = Math.max(Math.max(hi, est), 0);
    double pad = Math.max(1e-4, (max - min) * 0.15);
    String level = ReportNumbers.percent(rule.confidence());
    return "```mermaid\n"
        + init(PALETTE)
        + "xychart-beta\n"
        + "  title \""
        + quoted(rule.metric())
        + " "
        + rule.arrow()
        + " ("
        + rule.verdict()
        + "): improvement "
        + rule.improvementText()
        + " "
        + rule.intervalText()
        + "\"\n"
        + "  x-axis [\"interval low\", \"estimate\", \"interval high\"]\n"
        + "  y-axis \"improvement (positive = better)\" "
        + ReportNumbers.chart(min - pad)
        + " --> "
        + ReportNumbers.chart(max + pad)
        + "\n"
        + series(level + " interval", lo, est, hi)
        + series("estimate", est, est, est)
        + series("tolerated drop", tol, tol, tol)
        + series("zero (no change)", 0, 0, 0)
        + "```\n"
        + "🟦 "
        + level
        + " interval "
        + rule.intervalText()
        + " · 🟩 estimate "
        + rule.improvementText()
        + " · 🟥 tolerated drop: an interval wholly below "
        + ReportNumbers.signed(tol)
        + " FAILs · ⬛ zero: no change\n\n";
  }

  private static String accuracyChart(GateView v, GateView.MajorityClass m) {
    boolean withBaseline = !Double.isNaN(m.baselineAccuracy());
    String label = "always '" + quoted(m.label()) + "'";
    return "```mermaid\n"
        + init(ACCURACY_PALETTE)
        + "xychart-beta\n"
        + "  title \"accuracy vs "
        + label
        + " (majority class)\"\n"
        + (withBaseline ? "  x-axis [\"baseline\", \"candidate\"]\n" : "  x-axis [\"candidate\"]\n")
        + "  y-axis \"accuracy\" 0 --> 1\n"
        + "  bar \"accuracy\" ["
        + (withBaseline ? ReportNumbers.chart(m.baselineAccuracy()) + ", " : "")
        + ReportNumbers.chart(m.candidateAccuracy())
        + "]\n"
        + "  line \"majority class\" ["
        + (withBaseline ? ReportNumbers.chart(m.accuracy()) + ", " : "")
        + ReportNumbers.chart(m.accuracy())
        + "]\n"
        + "```\n"
        + "🟦 accuracy on each model's test set"
        + (withBaseline ? ": baseline " + ReportNumbers.value(m.baselineAccuracy()) + "," : ":")
        + " candidate "
        + ReportNumbers.value(m.candidateAccuracy())
        + " · 🟥 majority class: "
        + escape(m.describe())
        + (m.candidateAtOrBelow() ? " — **the candidate does no better**" : "")
        + "\n\n";
  }

  private static String series(String name, double a, double b, double c) {
    return "  line \""
        + name
        + "\" ["
        + ReportNumbers.chart(a)
        + ", "
        + ReportNumbers.chart(b)
        + ", "
        + ReportNumbers.chart(c)
        + "]\n";
  }

  /** Text inside a Mermaid string, which ends at the next double quote. */
  private static String quoted(String s) {
    return s.replace("\"", "'").replace("\n", " ");
  }

  private static String tail(GateView v) {
    StringBuilder md = new StringBuilder();
    for (String note : v.notes()) {
      md.append("> ").append(escape(note)).append("\n");
    }
    if (!v.notes().isEmpty()) {
      md.append('\n');
    }
    md.append("<sub>Baseline: ").append(escape(v.baseline().description()));
    v.candidateCommit()
        .ifPresent(c -> md.append(" · candidate `").append(BaselineInfo.abbreviate(c)).append('`'));
    GateResult.Pairing p = v.pairing();
    if (!v.baseline().missing()) {
      md.append(" · ")
          .append(
              p.paired()
                  ? p.common() + " paired examples"
                  : "unpaired: " + p.common() + " common examples");
    }
    if (!v.methods().isEmpty()) {
      md.append(" · ").append(v.methods());
    }
    md.append(" · <a href=\"" + Docs.GATE_REPORTS + "\">how to read this</a></sub>\n");
    return md.toString();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v + 0.0 : 0; // + 0.0 turns -0.0 into 0.0
  }

  static String icon(Verdict v) {
    return switch (v) {
      case PASS -> "✅";
      case FAIL -> "❌";
      case INCONCLUSIVE -> "⚠️";
      case ACCEPTED -> "☑️";
    };
  }

  static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
