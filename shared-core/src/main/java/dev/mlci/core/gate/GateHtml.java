package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * A standalone HTML report: the gate's table and notes, plus plots drawn with JFreeChart as inline
 * SVG (no files to host): ROC and precision-recall curves of baseline and candidate for binary
 * classification, per-class F1 for multiclass, residuals for regression, and both confusion
 * matrices.
 */
final class GateHtml {
  private static final int WIDTH = 520;
  private static final int HEIGHT = 360;

  /** Most points drawn per curve or scatter; more add bytes, not information, at this size. */
  static final int MAX_POINTS = 1000;

  private GateHtml() {}

  static String render(GateResult r, GateReportContext ctx) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mlci gate: ")
        .append(esc(ctx.name()))
        .append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1150px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append(
            "th{background:#f4f4f4}td.l,th.l{text-align:left}.PASS{color:#1a7f37}.FAIL{color:#cf222e}")
        .append(
            ".INCONCLUSIVE{color:#9a6700}.ACCEPTED{color:#0969da}.plots{display:flex;flex-wrap:wrap;gap:1em}")
        .append(".warn{background:#fff8c5;padding:.6em 1em;border-left:4px solid #9a6700}")
        .append("</style></head><body>\n");
    h.append("<h1>mlci gate: <span class=\"")
        .append(r.verdict())
        .append("\">")
        .append(r.verdict())
        .append("</span> — ")
        .append(esc(ctx.name()))
        .append("</h1>\n");
    if (r.baseline().missing()) {
      h.append("<p class=\"warn\"><b>No baseline:</b> ")
          .append(esc(r.baseline().description()))
          .append("</p>\n");
    }
    h.append("<p>Baseline: ")
        .append(esc(r.baseline().description()))
        .append(". Target branch <code>")
        .append(esc(ctx.target()))
        .append("</code>.</p>\n");
    h.append(
            "<table><tr><th class=l>rule</th><th>baseline</th><th>candidate</th><th>change (positive = better)</th>")
        .append(
            "<th>interval</th><th>tolerated drop</th><th>detectable drop</th><th class=l>verdict</th>")
        .append("<th class=l>why</th></tr>\n");
    for (RuleResult rule : r.rules()) {
      h.append("<tr><td class=l>")
          .append(esc(rule.rule().describe()))
          .append("</td><td>")
          .append(rule.baseline().isPresent() ? num(rule.baseline().getAsDouble()) : "—")
          .append("</td><td>")
          .append(num(rule.candidate()))
          .append("</td><td>")
          .append(rule.interval().map(i -> num(i.estimate())).orElse("—"))
          .append("</td><td>")
          .append(
              rule.interval()
                  .map(i -> "[" + num(i.lo()) + ", " + num(i.hi()) + "] " + esc(i.method()))
                  .orElse("—"))
          .append("</td><td>")
          .append(rule.interval().isPresent() ? num(rule.tolerance()) : "—")
          .append("</td><td>")
          .append(Double.isNaN(rule.detectableDrop()) ? "—" : num(rule.detectableDrop()))
          .append("</td><td class=\"l ")
          .append(rule.verdict())
          .append("\">")
          .append(rule.verdict())
          .append("</td><td class=l>")
          .append(esc(String.join("; ", rule.reasons())))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    for (String note : r.notes()) {
      h.append("<p class=\"warn\">").append(esc(note)).append("</p>\n");
    }
    h.append("<h2>Plots</h2>\n<div class=\"plots\">\n");
    try {
      for (String svg : plots(ctx.candidate(), ctx.baseline())) {
        h.append("<div>").append(svg).append("</div>\n");
      }
    } catch (Error | RuntimeException e) {
      // A machine without fonts cannot draw text; the numbers above still stand.
      h.append("<p class=\"warn\">Plots unavailable on this machine (")
          .append(esc(String.valueOf(e)))
          .append(").</p>\n");
    }
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

  private static List<String> plots(
      EvaluationBundle candidate, Optional<EvaluationBundle> baseline) {
    List<String> svgs = new ArrayList<>();
    Optional<Predictions> base = baseline.map(EvaluationBundle::predictions);
    if (candidate.predictions() instanceof ClassificationPredictions c) {
      if (c.classes().size() == 2) {
        XYSeriesCollection roc = new XYSeriesCollection();
        XYSeriesCollection pr = new XYSeriesCollection();
        base.filter(ClassificationPredictions.class::isInstance)
            .map(ClassificationPredictions.class::cast)
            .filter(b -> b.classes().size() == 2)
            .ifPresent(b -> curves(b, "baseline", roc, pr));
        curves(c, "candidate", roc, pr);
        svgs.add(
            svg(
                svgs.size(),
                line(
                    "ROC curve (" + c.classes().get(c.positive()) + " positive)",
                    "false positive rate",
                    "true positive rate",
                    roc)));
        svgs.add(svg(svgs.size(), line("Precision-recall curve", "recall", "precision", pr)));
      } else {
        DefaultCategoryDataset f1 = new DefaultCategoryDataset();
        base.filter(ClassificationPredictions.class::isInstance)
            .map(ClassificationPredictions.class::cast)
            .ifPresent(b -> perClassF1(b, "baseline", f1));
        perClassF1(c, "candidate", f1);
        svgs.add(
            svg(
                svgs.size(),
                ChartFactory.createBarChart(
                    "F1 per class",
                    "class",
                    "F1",
                    f1,
                    PlotOrientation.VERTICAL,
                    true,
                    false,
                    false)));
      }
    } else {
      XYSeriesCollection residuals = new XYSeriesCollection();
      base.filter(RegressionPredictions.class::isInstance)
          .ifPresent(b -> residuals.addSeries(residuals((RegressionPredictions) b, "baseline")));
      residuals.addSeries(residuals((RegressionPredictions) candidate.predictions(), "candidate"));
      svgs.add(
          svg(
              svgs.size(),
              ChartFactory.createScatterPlot(
                  "Residuals (truth − prediction)",
                  "prediction",
                  "residual",
                  residuals,
                  PlotOrientation.VERTICAL,
                  true,
                  false,
                  false)));
    }
    return svgs;
  }

  /** ROC and precision-recall points of the positive class, thresholds at each distinct score. */
  static void curves(
      ClassificationPredictions p, String name, XYSeriesCollection roc, XYSeriesCollection pr) {
    int n = p.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int pos = p.positive();
    Arrays.sort(order, (a, b) -> Double.compare(p.scores()[b][pos], p.scores()[a][pos]));
    long positives = Arrays.stream(p.truth()).filter(t -> t == pos).count();
    long negatives = n - positives;
    XYSeries r = new XYSeries(name, false, true);
    XYSeries q = new XYSeries(name, false, true);
    r.add(0, 0);
    long tp = 0;
    long fp = 0;
    int step = Math.max(1, n / MAX_POINTS);
    for (int k = 0; k < n; k++) {
      if (p.truth()[order[k]] == pos) {
        tp++;
      } else {
        fp++;
      }
      boolean groupEnd = k == n - 1 || p.scores()[order[k + 1]][pos] != p.scores()[order[k]][pos];
      if (groupEnd && (k % step == 0 || k == n - 1)) {
        r.add(
            negatives == 0 ? 0 : (double) fp / negatives,
            positives == 0 ? 0 : (double) tp / positives);
        q.add(positives == 0 ? 0 : (double) tp / positives, (double) tp / (tp + fp));
      }
    }
    roc.addSeries(r);
    pr.addSeries(q);
  }

  private static void perClassF1(
      ClassificationPredictions p, String name, DefaultCategoryDataset data) {
    long[][] cm = ClassificationMetrics.confusion(p, null);
    for (int c = 0; c < p.classes().size(); c++) {
      long tp = cm[c][c];
      long predicted = 0;
      for (long[] row : cm) {
        predicted += row[c];
      }
      long actual = ClassificationMetrics.actual(cm, c);
      data.addValue(
          predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual), name, p.classes().get(c));
    }
  }

  private static XYSeries residuals(RegressionPredictions p, String name) {
    XYSeries s = new XYSeries(name, false, true);
    int step = Math.max(1, p.size() / MAX_POINTS);
    for (int i = 0; i < p.size(); i += step) {
      s.add(p.predicted()[i], p.truth()[i] - p.predicted()[i]);
    }
    return s;
  }

  private static JFreeChart line(String title, String x, String y, XYSeriesCollection data) {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    XYItemRenderer renderer = plot.getRenderer();
    for (int s = 0; s < data.getSeriesCount(); s++) {
      renderer.setSeriesStroke(s, new BasicStroke(2f));
      renderer.setSeriesPaint(
          s, data.getSeriesKey(s).equals("baseline") ? Color.GRAY : new Color(0x0969da));
    }
    return chart;
  }

  private static String svg(int index, JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    // Element ids default to a per-run random prefix; fixed ones keep the report byte-reproducible.
    g.setDefsKeyPrefix("mlci" + index + "_");
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement();
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

  private static String num(double v) {
    String s = Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    return s.equals("-0.0000") ? "0.0000" : s;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
