package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.eval.EvaluationBundle;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import tools.jackson.databind.JsonNode;

/**
 * The same gate rendered to Markdown, HTML, text, JUnit XML and JSON shows the same numbers with
 * the same signs. Each report is read back with a parser nobody here wrote (CommonMark with
 * GitHub's table extension, jsoup, the JDK's XML parser, Jackson) and its numbers compared with
 * gate.json's unrounded ones: a renderer that drifts (another sign convention, another rounding, a
 * stale field) fails this test.
 */
class GateReportsAgreeTest {
  /** Half a unit in the last printed decimal. */
  private static final double HALF_ULP = 0.5e-4 + 1e-12;

  /** One rule's numbers as one report shows them. */
  record Shown(
      double baseline,
      double candidate,
      double improvement,
      double lo,
      double hi,
      double toleratedDrop) {}

  static GateRule rule(String metric, double drop, int index) {
    return new GateRule(
        metric,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.of(drop),
        OptionalDouble.empty(),
        Optional.empty(),
        GateRule.Test.PAIRED_BOOTSTRAP,
        OptionalDouble.empty(),
        index,
        10 + index);
  }

  /**
   * A candidate clearly worse than its baseline, gated on a higher- and a lower-is-better metric.
   */
  static GateReportContext degradedContext() {
    return context(GateEvaluatorTest.bundle(0.70, 2, 400), GateEvaluatorTest.bundle(0.85, 1, 400));
  }

  static GateReportContext context(EvaluationBundle candidate, EvaluationBundle baseline) {
    return new GateReportContext("model", candidate, Optional.of(baseline), "main", 1000, 42);
  }

  static GateResult evaluate(GateReportContext ctx, GateConfig.Inconclusive inconclusive) {
    GateConfig base =
        GateEvaluatorTest.gate(
            List.of(rule("accuracy", 0.01, 0), rule("log_loss", 0.02, 1), rule("roc_auc", 0.01, 2)),
            List.of());
    GateConfig config =
        new GateConfig(
            base.target(),
            base.onMissing(),
            inconclusive,
            base.confidence(),
            base.resamples(),
            base.seed(),
            base.maxCommits(),
            base.rules(),
            base.accept(),
            base.changedTestSet(),
            1);
    return new GateEvaluator(config)
        .evaluate(List.of(), ctx.candidate(), ctx.baseline(), GateEvaluatorTest.NOTE, false);
  }

  @Test
  void allReports_showTheSameNumbersWithTheSameSigns() throws Exception {
    GateReportContext ctx = degradedContext();
    GateView view = GateView.of(evaluate(ctx, GateConfig.Inconclusive.WARN), ctx);
    Map<String, Shown> json = fromJson(GateFiles.json(view));
    // The gate is the interesting case: a lower-is-better metric whose improvement is negative
    // while its value rose.
    assertThat(json.get("log_loss").improvement()).isNegative();
    assertThat(json.get("log_loss").candidate()).isGreaterThan(json.get("log_loss").baseline());

    Map<String, Map<String, Shown>> reports = new LinkedHashMap<>();
    reports.put("gate.md", fromMarkdown(GateMarkdown.render(view)));
    reports.put("gate.md charts", fromMermaid(GateMarkdown.render(view)));
    reports.put("gate.html", fromHtml(GateHtml.render(view, ctx)));
    reports.put("text", fromText(GateText.lines(view)));
    reports.put("gate-junit.xml", fromJunit(GateFiles.junit(view)));

    for (Map.Entry<String, Map<String, Shown>> report : reports.entrySet()) {
      assertThat(report.getValue().keySet()).as(report.getKey()).isEqualTo(json.keySet());
      for (String metric : json.keySet()) {
        Shown want = json.get(metric);
        Shown got = report.getValue().get(metric);
        String where = report.getKey() + ", " + metric;
        agree(where + " baseline", got.baseline(), want.baseline());
        agree(where + " candidate", got.candidate(), want.candidate());
        agree(where + " improvement", got.improvement(), want.improvement());
        agree(where + " interval low", got.lo(), want.lo());
        agree(where + " interval high", got.hi(), want.hi());
        agree(where + " tolerated drop", got.toleratedDrop(), want.toleratedDrop());
      }
    }
    // gate.json's one-line summary (CI annotations) is the CLI's line.
    for (JsonNode rule : GateFiles.json(view).path("rules")) {
      assertThat(GateText.lines(view)).anyMatch(l -> l.endsWith(rule.path("summary").asString()));
    }
    // Every report says which convention its signs follow.
    assertThat(GateMarkdown.render(view)).contains(GateView.CONVENTION);
    assertThat(Jsoup.parse(GateHtml.render(view, ctx)).text()).contains(GateView.CONVENTION);
    assertThat(GateText.lines(view)).anyMatch(l -> l.contains(GateView.CONVENTION));
    assertThat(GateFiles.junit(view)).contains(GateView.CONVENTION);
    assertThat(GateFiles.json(view).path("sign_convention").asString())
        .isEqualTo(GateView.CONVENTION);
  }

  /** Same value (within the printed precision) and the same sign; NaN only where NaN is due. */
  private static void agree(String where, double shown, double truth) {
    if (Double.isNaN(truth)) {
      assertThat(shown).as(where).isNaN();
      return;
    }
    assertThat(shown).as(where).isCloseTo(truth, within(HALF_ULP));
    if (Math.abs(truth) >= HALF_ULP) {
      assertThat(Math.signum(shown)).as(where + " sign").isEqualTo(Math.signum(truth));
    }
  }

  static Map<String, Shown> fromJson(tools.jackson.databind.node.ObjectNode json) {
    Map<String, Shown> out = new LinkedHashMap<>();
    for (JsonNode r : json.path("rules")) {
      JsonNode c = r.path("change");
      assertThat(c.path("oriented").asBoolean()).isTrue();
      out.put(
          r.path("metric").asString(),
          new Shown(
              r.path("baseline").asDouble(),
              r.path("candidate").asDouble(),
              c.path("estimate").asDouble(),
              c.path("lo").asDouble(),
              c.path("hi").asDouble(),
              r.path("tolerance").asDouble()));
    }
    return out;
  }

  /** The rules table, read as GitHub reads it (CommonMark + GFM tables). */
  static Map<String, Shown> fromMarkdown(String md) {
    Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
    List<List<String>> rows = new ArrayList<>();
    doc.accept(
        new AbstractVisitor() {
          @Override
          public void visit(CustomBlock block) {
            if (block instanceof TableBlock && rows.isEmpty()) {
              for (Node part = block.getFirstChild(); part != null; part = part.getNext()) {
                if (part instanceof TableBody) {
                  for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                    List<String> cells = new ArrayList<>();
                    for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                      cells.add(text(cell));
                    }
                    assertThat(row).isInstanceOf(TableRow.class);
                    rows.add(cells);
                  }
                }
              }
            }
          }
        });
    assertThat(rows).as("gate.md's rules table").isNotEmpty();
    Map<String, Shown> out = new LinkedHashMap<>();
    for (List<String> cells : rows) {
      assertThat(cells).as("a GFM table row of 7 cells: " + cells).hasSize(7);
      double[] ci = interval(cells.get(4));
      out.put(
          cells.get(0).split(" ")[0],
          new Shown(
              number(cells.get(1)),
              number(cells.get(2)),
              number(cells.get(3)),
              ci[0],
              ci[1],
              number(cells.get(5))));
    }
    return out;
  }

  private static String text(Node node) {
    StringBuilder sb = new StringBuilder();
    node.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            sb.append(t.getLiteral());
          }
        });
    assertThat(node).isInstanceOf(TableCell.class);
    return sb.toString().strip();
  }

  private static final Pattern SERIES =
      Pattern.compile("line \"([^\"]+)\" \\[([^,\\]]+), ([^,\\]]+), ([^,\\]]+)]");

  /** The Mermaid charts: each series' data as Mermaid reads it. */
  static Map<String, Shown> fromMermaid(String md) {
    Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
    Map<String, Shown> out = new LinkedHashMap<>();
    Map<String, Shown> table = fromMarkdown(md);
    doc.accept(
        new AbstractVisitor() {
          @Override
          public void visit(FencedCodeBlock code) {
            if (!code.getInfo().equals("mermaid") || !code.getLiteral().contains("improvement")) {
              return;
            }
            Matcher title = Pattern.compile("title \"(\\S+) ").matcher(code.getLiteral());
            assertThat(title.find()).isTrue();
            Map<String, double[]> series = new LinkedHashMap<>();
            Matcher m = SERIES.matcher(code.getLiteral());
            while (m.find()) {
              series.put(
                  m.group(1),
                  new double[] {
                    Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4))
                  });
            }
            assertThat(series.keySet())
                .containsExactly("95% interval", "estimate", "tolerated drop", "zero (no change)");
            double[] ci = series.get("95% interval");
            assertThat(series.get("zero (no change)")).containsOnly(0.0);
            Shown row = table.get(title.group(1));
            out.put(
                title.group(1),
                new Shown(
                    row.baseline(),
                    row.candidate(),
                    series.get("estimate")[1],
                    ci[0],
                    ci[2],
                    -series.get("tolerated drop")[0]));
          }
        });
    return out;
  }

  static Map<String, Shown> fromHtml(String html) {
    Element table = Jsoup.parse(html).selectFirst("table");
    Map<String, Shown> out = new LinkedHashMap<>();
    for (Element tr : table.select("tr:has(td)")) {
      List<String> cells = tr.select("td").eachText();
      double[] ci = interval(cells.get(4));
      out.put(
          cells.get(0).split(" ")[0],
          new Shown(
              number(cells.get(1)),
              number(cells.get(2)),
              number(cells.get(3)),
              ci[0],
              ci[1],
              number(cells.get(5))));
    }
    return out;
  }

  private static final Pattern TEXT_RULE =
      Pattern.compile(
          "^ +[A-Z]+ +(\\S+) .* [↑↓] +(\\S+) → (\\S+), improvement (\\S+) (\\[[^]]+]), tolerated"
              + " drop (\\S+)$");

  static Map<String, Shown> fromText(List<String> lines) {
    Map<String, Shown> out = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = TEXT_RULE.matcher(line);
      if (m.matches()) {
        double[] ci = interval(m.group(5));
        out.put(
            m.group(1),
            new Shown(
                number(m.group(2)),
                number(m.group(3)),
                number(m.group(4)),
                ci[0],
                ci[1],
                number(m.group(6))));
      }
    }
    return out;
  }

  private static final Pattern JUNIT_BODY =
      Pattern.compile(
          "(?s)(\\S+): (?:higher|lower) is better\\nbaseline (\\S+)\\ncandidate (\\S+)\\n"
              + "improvement (\\S+), 95% interval (\\[[^]]+]) \\([^)]+\\), tolerated drop"
              + " (\\S+)\\n.*");

  static Map<String, Shown> fromJunit(String xml) throws Exception {
    NodeList failures =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(xml)))
            .getElementsByTagName("failure");
    Map<String, Shown> out = new LinkedHashMap<>();
    for (int k = 0; k < failures.getLength(); k++) {
      Matcher m = JUNIT_BODY.matcher(failures.item(k).getTextContent());
      assertThat(m.matches()).as(failures.item(k).getTextContent()).isTrue();
      double[] ci = interval(m.group(5));
      out.put(
          m.group(1),
          new Shown(
              number(m.group(2)),
              number(m.group(3)),
              number(m.group(4)),
              ci[0],
              ci[1],
              number(m.group(6))));
    }
    return out;
  }

  private static double number(String s) {
    return switch (s) {
      case "n/a", "—" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static double[] interval(String s) {
    Matcher m = Pattern.compile("\\[(\\S+), (\\S+)]").matcher(s);
    assertThat(m.find()).as("an interval in " + s).isTrue();
    return new double[] {number(m.group(1)), number(m.group(2))};
  }
}
