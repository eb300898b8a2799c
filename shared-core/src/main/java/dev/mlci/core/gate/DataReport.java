package dev.mlci.core.gate;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data gate's section of every report (gate.md, gate.html, gate.json, gate-junit.xml), from the
 * view's {@link DataGateResult}: one table, one number format ({@link ReportNumbers}).
 */
final class DataReport {
  /** Drift rows the markdown table shows at most (all are in gate.json and gate.html). */
  static final int MAX_ROWS = 15;

  /** Columns the Mermaid chart and the HTML histograms show at most. */
  static final int MAX_CHARTED = DataRuleResult.CHARTED;

  private DataReport() {}

  /** The rules the table shows: every rule not passing, then the largest drifts. */
  static List<DataRuleResult> shown(DataGateResult d) {
    return d.rules().stream()
        .sorted(
            Comparator.comparing((DataRuleResult r) -> r.verdict() == Verdict.PASS)
                .thenComparing(r -> r.kind() == DataRuleResult.Kind.SCHEMA ? 0 : 1)
                .thenComparing(
                    r ->
                        -(Double.isNaN(r.estimate())
                            ? 0
                            : r.estimate() / Math.max(1e-12, r.threshold()))))
        .toList();
  }

  static String intervalText(DataRuleResult r) {
    return r.interval()
        .map(i -> "[" + ReportNumbers.value(i.lo()) + ", " + ReportNumbers.value(i.hi()) + "]")
        .orElse("—");
  }

  static String estimateText(DataRuleResult r) {
    if (r.kind() == DataRuleResult.Kind.SCHEMA) {
      return r.verdict() == Verdict.PASS ? "—" : String.format(Locale.ROOT, "%.0f", r.estimate());
    }
    if (r.kind() == DataRuleResult.Kind.DATASET) {
      return String.format(Locale.ROOT, "%.1f%%", 100 * r.estimate());
    }
    return ReportNumbers.value(r.estimate());
  }

  static String thresholdText(DataRuleResult r) {
    return switch (r.kind()) {
      case SCHEMA -> "—";
      case DATASET -> String.format(Locale.ROOT, "%.0f%%", 100 * r.threshold());
      default -> ReportNumbers.value(r.threshold());
    };
  }

  /** gate.md's data section, empty when the data gate did not run and has nothing to say. */
  static String markdown(GateView v) {
    DataGateResult d = v.data();
    if (!d.ran()) {
      return d.notes().isEmpty() ? "" : "> " + GateMarkdown.escape(d.notes().get(0)) + "\n\n";
    }
    StringBuilder md = new StringBuilder();
    md.append("### ")
        .append(GateMarkdown.icon(d.verdict()))
        .append(" Data: **")
        .append(d.verdict())
        .append("**\n\n");
    List<DataRuleResult> shown = shown(d);
    long moved = shown.stream().filter(r -> r.verdict() != Verdict.PASS).count();
    md.append(
        moved == 0
            ? "No column moved beyond its threshold; the largest drifts:\n\n"
            : moved + (moved == 1 ? " data rule does" : " data rules do") + " not pass:\n\n");
    md.append("| data rule | statistic | estimate | interval | threshold | verdict | why |\n");
    md.append("|---|---|--:|--:|--:|---|---|\n");
    int rows = 0;
    for (DataRuleResult r : shown) {
      if (rows >= Math.max(MAX_ROWS, moved) || (r.verdict() == Verdict.PASS && rows >= moved + 5)) {
        break;
      }
      if (r.verdict() == Verdict.PASS && r.kind() == DataRuleResult.Kind.SCHEMA) {
        continue;
      }
      rows++;
      md.append("| ")
          .append(GateMarkdown.escape(r.describe()))
          .append(" | ")
          .append(r.statistic())
          .append(" | ")
          .append(estimateText(r))
          .append(" | ")
          .append(intervalText(r))
          .append(" | ")
          .append(thresholdText(r))
          .append(" | ")
          .append(GateMarkdown.icon(r.verdict()))
          .append(' ')
          .append(r.verdict())
          .append(" | ")
          .append(GateMarkdown.escape(String.join("; ", r.reasons())))
          .append(" |\n");
    }
    md.append('\n');
    md.append(chart(d));
    for (String note : d.notes()) {
      md.append("> ").append(GateMarkdown.escape(note)).append('\n');
    }
    return md.append('\n').toString();
  }

  /** A small Mermaid bar chart: each charted column's distance and the threshold line. */
  static String chart(DataGateResult d) {
    List<DataRuleResult> drift =
        d.drift().stream()
            .filter(r -> r.interval().isPresent())
            .sorted(DataRuleResult.MOST_DRIFTED_FIRST)
            .limit(MAX_CHARTED)
            .toList();
    if (drift.isEmpty()) {
      return "";
    }
    StringBuilder x = new StringBuilder();
    StringBuilder bars = new StringBuilder();
    StringBuilder lows = new StringBuilder();
    StringBuilder line = new StringBuilder();
    double max = 0;
    for (DataRuleResult r : drift) {
      String sep = x.length() == 0 ? "" : ", ";
      x.append(sep)
          .append('"')
          .append(r.split())
          .append(' ')
          .append(r.column().replace("\"", "'"))
          .append('"');
      double ratio = r.estimate() / r.threshold();
      double low = r.interval().get().lo() / r.threshold();
      bars.append(sep).append(ReportNumbers.chart(ratio));
      lows.append(sep).append(ReportNumbers.chart(low));
      line.append(sep).append("1");
      max = Math.max(max, Math.max(ratio, 1));
    }
    return "```mermaid\nxychart-beta\n"
        + "  title \"data drift: distance / threshold (the interval's low end above 1 FAILs)\"\n"
        + "  x-axis ["
        + x
        + "]\n  y-axis \"distance / threshold\" 0 --> "
        + ReportNumbers.chart(max * 1.15)
        + "\n  bar ["
        + bars
        + "]\n  bar ["
        + lows
        + "]\n  line ["
        + line
        + "]\n```\n"
        + "Bars: the estimate and the interval's low end, in units of the threshold · line: the"
        + " threshold\n\n";
  }

  /** gate.html's data section: the table, then histograms of the most drifted columns. */
  static String html(GateView v) {
    DataGateResult d = v.data();
    StringBuilder h = new StringBuilder();
    if (!d.ran()) {
      d.notes().forEach(n -> h.append("<p class=\"warn\">").append(esc(n)).append("</p>\n"));
      return h.toString();
    }
    h.append("<h2>Data: <span class=\"")
        .append(d.verdict())
        .append("\">")
        .append(d.verdict())
        .append("</span></h2>\n<table><tr><th class=l>data rule</th><th>statistic</th>")
        .append("<th>estimate</th><th>interval</th><th>threshold</th><th class=l>verdict</th>")
        .append("<th class=l>why</th></tr>\n");
    for (DataRuleResult r : shown(d)) {
      h.append("<tr><td class=l>")
          .append(esc(r.describe()))
          .append("</td><td>")
          .append(r.statistic())
          .append("</td><td>")
          .append(estimateText(r))
          .append("</td><td>")
          .append(intervalText(r))
          .append("</td><td>")
          .append(thresholdText(r))
          .append("</td><td class=\"l ")
          .append(r.verdict())
          .append("\">")
          .append(r.verdict())
          .append("</td><td class=l>")
          .append(esc(String.join("; ", r.reasons())))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    d.notes().forEach(n -> h.append("<p class=small>").append(esc(n)).append("</p>\n"));
    List<DataRuleResult> charted =
        d.drift().stream()
            .filter(r -> r.histogram().isPresent())
            .sorted(DataRuleResult.MOST_DRIFTED_FIRST)
            .limit(MAX_CHARTED)
            .toList();
    if (!charted.isEmpty()) {
      h.append("<h3>Baseline (grey) vs candidate (blue), the most drifted columns</h3>\n")
          .append("<div class=\"plots\">\n");
      charted.forEach(r -> h.append(svg(r)));
      h.append("</div>\n");
    }
    return h.toString();
  }

  /** An inline SVG histogram: baseline and candidate bars side by side per bin. */
  static String svg(DataRuleResult r) {
    DataRuleResult.Histogram hist = r.histogram().orElseThrow();
    double[] a = hist.baseline();
    double[] c = hist.candidate();
    int n = a.length;
    int width = 320;
    int height = 160;
    int plot = 120;
    double max = 1e-12;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.max(a[i], c[i]));
    }
    double bw = (double) (width - 20) / n;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\"><title>")
        .append(esc(r.describe()))
        .append("</title><text x=\"10\" y=\"14\" font-size=\"12\">")
        .append(esc(r.split() + " " + r.column() + ": " + ReportNumbers.value(r.estimate())))
        .append("</text>");
    for (int i = 0; i < n; i++) {
      double x = 10 + i * bw;
      double ha = plot * a[i] / max;
      double hc = plot * c[i] / max;
      s.append(rect(x, 20 + plot - ha, bw / 2, ha, "#8c959f", hist.bins().get(i), a[i]));
      s.append(rect(x + bw / 2, 20 + plot - hc, bw / 2, hc, "#0969da", hist.bins().get(i), c[i]));
    }
    s.append("<text x=\"10\" y=\"")
        .append(height - 4)
        .append("\" font-size=\"10\">")
        .append(esc(hist.bins().get(0)))
        .append("</text><text x=\"")
        .append(width - 10)
        .append("\" y=\"")
        .append(height - 4)
        .append("\" font-size=\"10\" text-anchor=\"end\">")
        .append(esc(hist.bins().get(n - 1)))
        .append("</text></svg>\n");
    return s.toString();
  }

  private static String rect(
      double x, double y, double w, double h, String fill, String bin, double share) {
    return String.format(
        Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %.1f%%</title></rect>",
        x,
        y,
        Math.max(0.5, w - 0.5),
        h,
        fill,
        esc(bin),
        100 * share);
  }

  /** gate.json's {@code data} object. */
  static ObjectNode json(DataGateResult d) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("ran", d.ran());
    n.put("verdict", d.verdict().name());
    ArrayNode rules = n.putArray("rules");
    for (DataRuleResult r : d.rules()) {
      ObjectNode o = rules.addObject();
      o.put("id", r.id());
      o.put("kind", r.kind().yamlName());
      o.put("rule", r.describe());
      o.put("split", r.split());
      o.put("column", r.column());
      o.put("statistic", r.statistic());
      put(o, "estimate", r.estimate());
      r.interval()
          .ifPresentOrElse(
              i -> {
                ObjectNode ci = o.putObject("interval");
                put(ci, "lo", i.lo());
                put(ci, "hi", i.hi());
                put(ci, "standard_error", i.standardError());
                ci.put("method", i.method());
              },
              () -> o.putNull("interval"));
      put(o, "threshold", r.threshold());
      if (r.line() > 0) {
        o.put("line", r.line());
      }
      o.put("verdict", r.verdict().name());
      ArrayNode reasons = o.putArray("reasons");
      r.reasons().forEach(reasons::add);
    }
    ArrayNode notes = n.putArray("notes");
    d.notes().forEach(notes::add);
    return n;
  }

  private static void put(ObjectNode n, String field, double v) {
    if (Double.isFinite(v)) {
      n.put(field, v);
    } else {
      n.putNull(field);
    }
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
