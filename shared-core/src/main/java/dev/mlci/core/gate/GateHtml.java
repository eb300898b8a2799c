package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;

/**
 * A standalone HTML report of a {@link GateView}: the gate's outcome, table and notes (the same
 * numbers and signs as every other report), the plots of {@link GateCharts} as inline SVG (no files
 * to host), and both confusion matrices.
 */
final class GateHtml {
  private GateHtml() {}

  static String render(GateResult r, GateReportContext ctx) {
    return render(GateView.of(r, ctx), ctx);
  }

  /** The report of a gate's view; {@code ctx} supplies the predictions the plots draw. */
  static String render(GateView v, GateReportContext ctx) {
    return render(v, ctx, GatePlots.draw(v, ctx));
  }

  /** The report of a gate's view, with its plots already drawn ({@link GatePlots#draw}). */
  static String render(GateView v, GateReportContext ctx, GatePlots plots) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mlci gate: ")
        .append(esc(v.name()))
        .append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1150px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append(
            "th{background:#f4f4f4}td.l,th.l{text-align:left}.PASS{color:#1a7f37}.FAIL{color:#cf222e}")
        .append(
            ".INCONCLUSIVE{color:#9a6700}.ACCEPTED{color:#0969da}.plots{display:flex;flex-wrap:wrap;gap:1em}")
        .append(".warn{background:#fff8c5;padding:.6em 1em;border-left:4px solid #9a6700}")
        .append(".red{font-weight:bold;color:#cf222e}.green{color:#1a7f37}.small{color:#57606a}")
        .append("</style></head><body>\n");
    h.append("<h1>mlci gate: <span class=\"")
        .append(v.verdict())
        .append("\">")
        .append(v.verdict())
        .append("</span> — ")
        .append(esc(v.name()))
        .append("</h1>\n");
    if (v.baseline().missing()) {
      h.append("<p class=\"warn\"><b>No baseline:</b> ")
          .append(esc(v.baseline().description()))
          .append("</p>\n");
    }
    h.append("<p class=\"outcome ")
        .append(v.failsBuild() ? "red" : "green")
        .append("\">")
        .append(esc(v.outcome()))
        .append("</p>\n");
    h.append("<p>Baseline: ")
        .append(esc(v.baseline().description()))
        .append(". Target branch <code>")
        .append(esc(v.target()))
        .append("</code>.</p>\n");
    h.append("<table><tr><th class=l>rule</th><th>baseline</th><th>candidate</th>")
        .append("<th>improvement</th><th>")
        .append(esc(v.confidenceHeader()))
        .append("</th><th>tolerated drop</th><th>detectable drop</th><th class=l>verdict</th>")
        .append("<th class=l>why</th></tr>\n");
    for (RuleView rule : v.rules()) {
      h.append("<tr><td class=l>")
          .append(esc(rule.rule()))
          .append(' ')
          .append(rule.arrow())
          .append("</td><td>")
          .append(rule.baselineText())
          .append("</td><td>")
          .append(rule.candidateText())
          .append("</td><td>")
          .append(rule.improvementText())
          .append("</td><td>")
          .append(rule.intervalText())
          .append(rule.improvement().isPresent() ? " " + esc(rule.method()) : "")
          .append("</td><td>")
          .append(rule.toleratedDropText())
          .append("</td><td>")
          .append(rule.detectableDropText())
          .append("</td><td class=\"l ")
          .append(rule.verdict())
          .append("\">")
          .append(rule.verdict())
          .append("</td><td class=l>")
          .append(esc(String.join("; ", rule.reasons())))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (v.rules().stream().anyMatch(x -> x.improvement().isPresent())) {
      h.append("<p class=small>").append(esc(GateView.CONVENTION)).append(".</p>\n");
    }
    v.majority()
        .ifPresent(
            m ->
                h.append("<p>Reference: ")
                    .append(esc(m.describe()))
                    .append(" on the candidate's test set (candidate ")
                    .append(ReportNumbers.value(m.candidateAccuracy()))
                    .append(").</p>\n"));
    for (String note : v.notes()) {
      h.append("<p class=\"warn\">").append(esc(note)).append("</p>\n");
    }
    h.append(DataReport.html(v));
    h.append("<h2>Plots</h2>\n<div class=\"plots\">\n");
    for (String svg : plots.svgs()) {
      h.append("<div>").append(svg).append("</div>\n");
    }
    plots
        .unavailable()
        .ifPresent(
            why ->
                h.append("<p class=\"warn\">Plots unavailable on this machine (")
                    .append(esc(why))
                    .append(").</p>\n"));
    h.append("</div>\n");
    if (ctx.candidate().predictions() instanceof ClassificationPredictions c) {
      h.append(
          "<h2>Confusion matrices (rows: truth, columns: prediction)</h2>\n<div class=\"plots\">");
      ctx.baseline()
          .map(EvaluationBundle::predictions)
          .filter(ClassificationPredictions.class::isInstance)
          .ifPresent(b -> h.append(confusion("baseline", (ClassificationPredictions) b)));
      h.append(confusion("candidate", c)).append("</div>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String confusion(String title, ClassificationPredictions p) {
    long[][] cm = ClassificationMetrics.confusion(p, null);
    StringBuilder t =
        new StringBuilder("<table><caption>").append(title).append("</caption><tr><th></th>");
    for (String c : p.classes()) {
      t.append("<th>").append(esc(c)).append("</th>");
    }
    t.append("</tr>");
    for (int i = 0; i < cm.length; i++) {
      t.append("<tr><th class=l>").append(esc(p.classes().get(i))).append("</th>");
      for (long v : cm[i]) {
        t.append("<td>").append(v).append("</td>");
      }
      t.append("</tr>");
    }
    return t.append("</table>").toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
