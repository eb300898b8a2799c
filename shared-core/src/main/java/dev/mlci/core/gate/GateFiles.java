package dev.mlci.core.gate;

import dev.mlci.core.io.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the gate's reports:
 *
 * <pre>
 * gate.json        the verdict, machine-readable ({@value #SCHEMA})
 * gate.md          the pull-request report (GitHub Markdown, Mermaid chart, under 60,000 characters)
 * gate-junit.xml   one test case per rule: failure for FAIL, skipped for INCONCLUSIVE (any CI's test view)
 * gate.html        a standalone report with ROC / precision-recall / residual plots (inline SVG)
 * </pre>
 */
public final class GateFiles {
  public static final String SCHEMA = "mlci.gate/v1";
  public static final String JSON = "gate.json";
  public static final String MARKDOWN = "gate.md";
  public static final String JUNIT = "gate-junit.xml";
  public static final String HTML = "gate.html";

  private GateFiles() {}

  /**
   * Starts what writing gate.html needs first (the chart library) on a background thread, for a
   * step that will {@link #write} later: its start-up then overlaps with the gate's own work.
   */
  public static void prepareInBackground() {
    GateCharts.warmUpInBackground();
  }

  /** Writes all four reports into {@code dir}, from one view of the gate. */
  public static void write(Path dir, GateResult result, GateReportContext ctx) throws IOException {
    write(dir, GateView.of(result, ctx), ctx);
  }

  /**
   * Writes all four reports of {@code view} into {@code dir}; {@code ctx} supplies the predictions
   * gate.html plots.
   */
  public static void write(Path dir, GateView view, GateReportContext ctx) throws IOException {
    write(dir, view, ctx, GatePlots.draw(view, ctx));
  }

  /**
   * As {@link #write(Path, GateView, GateReportContext)}, with gate.html's plots already drawn
   * ({@link GatePlots#draw}, e.g. while the data gate computed).
   */
  public static void write(Path dir, GateView view, GateReportContext ctx, GatePlots plots)
      throws IOException {
    Json.write(dir.resolve(JSON), json(view));
    Files.writeString(dir.resolve(MARKDOWN), GateMarkdown.render(view), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(JUNIT), junit(view), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(HTML), GateHtml.render(view, ctx, plots), StandardCharsets.UTF_8);
  }

  /** The machine-readable verdict. */
  public static ObjectNode json(GateResult r, GateReportContext ctx) {
    return json(GateView.of(r, ctx));
  }

  /**
   * The machine-readable verdict of a view. Numbers are unrounded; each rule's {@code change} is
   * the improvement of {@link GateView#CONVENTION} ({@code oriented: true}), as in every other
   * report.
   */
  public static ObjectNode json(GateView r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("schema", SCHEMA);
    root.put("name", r.name());
    root.put("verdict", r.verdict().name());
    root.put("fails_build", r.failsBuild());
    root.put("headline", r.headline());
    root.put("outcome", r.outcome());
    root.put("sign_convention", GateView.CONVENTION);
    ObjectNode baseline = root.putObject("baseline");
    baseline.put("source", r.baseline().source());
    if (r.baseline().commit().isPresent()) {
      baseline.put("commit", r.baseline().commit().get());
    } else {
      baseline.putNull("commit");
    }
    baseline.put("description", r.baseline().description());
    baseline.put("target", r.target());
    if (r.candidateCommit().isPresent()) {
      root.put("candidate_commit", r.candidateCommit().get());
    } else {
      root.putNull("candidate_commit");
    }
    ObjectNode pairing = root.putObject("pairing");
    pairing.put("paired", r.pairing().paired());
    pairing.put("common", r.pairing().common());
    pairing.put("only_baseline", r.pairing().onlyBaseline());
    pairing.put("only_candidate", r.pairing().onlyCandidate());
    ObjectNode bootstrap = root.putObject("bootstrap");
    bootstrap.put("resamples", r.resamples());
    bootstrap.put("seed", r.seed());
    ArrayNode rules = root.putArray("rules");
    for (RuleView rule : r.rules()) {
      ObjectNode n = rules.addObject();
      n.put("metric", rule.metric());
      n.put("rule", rule.rule());
      if (rule.index() >= 0) {
        n.put("index", rule.index());
        if (rule.line() > 0) {
          n.put("line", rule.line());
        }
      }
      n.put("higher_is_better", rule.higherIsBetter());
      putNumber(n, "baseline", rule.baseline());
      putNumber(n, "candidate", rule.candidate());
      n.put("tolerance", rule.toleratedDrop());
      n.put("confidence", rule.confidence());
      if (rule.improvement().isPresent()) {
        Interval i = rule.improvement().get();
        ObjectNode ci = n.putObject("change");
        ci.put("oriented", true);
        putNumber(ci, "estimate", i.estimate());
        putNumber(ci, "lo", i.lo());
        putNumber(ci, "hi", i.hi());
        putNumber(ci, "standard_error", i.standardError());
        ci.put("method", i.method());
        putNumber(ci, "p_value", i.pValue());
        if (!i.note().isEmpty()) {
          ci.put("note", i.note());
        }
      } else {
        n.putNull("change");
      }
      putNumber(n, "detectable_drop", rule.detectableDrop());
      rule.seedSpread()
          .ifPresent(
              sp -> {
                ObjectNode t = n.putObject("training_noise");
                t.put("seeds", sp.seeds());
                t.put("baseline_seeds", sp.baselineSeeds());
                putNumber(t, "standard_deviation", sp.standardDeviation());
                putNumber(t, "min", sp.min());
                putNumber(t, "max", sp.max());
              });
      n.put("verdict", rule.verdict().name());
      n.put("summary", rule.summary());
      ArrayNode reasons = n.putArray("reasons");
      rule.reasons().forEach(reasons::add);
      rule.accepted()
          .ifPresent(
              a -> {
                ObjectNode acc = n.putObject("accepted");
                acc.put("baseline", a.baseline());
                acc.put("reason", a.reason());
              });
    }
    r.majority()
        .ifPresentOrElse(
            m -> {
              ObjectNode n = root.putObject("majority_class");
              n.put("class", m.label());
              n.put("accuracy", m.accuracy());
              putNumber(n, "candidate_accuracy", m.candidateAccuracy());
              putNumber(n, "baseline_accuracy", m.baselineAccuracy());
              n.put("candidate_at_or_below", m.candidateAtOrBelow());
            },
            () -> root.putNull("majority_class"));
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    root.set("data", DataReport.json(r.data()));
    return root;
  }

  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isFinite(v)) {
      n.put(field, v);
    } else {
      n.putNull(field);
    }
  }

  /** JUnit XML: one test case per rule, so every CI's test view shows the gate. */
  public static String junit(GateResult r, GateReportContext ctx) {
    return junit(GateView.of(r, ctx));
  }

  /** JUnit XML of a view: one test case per rule, so every CI's test view shows the gate. */
  public static String junit(GateView r) {
    List<RuleView> rules = r.rules();
    // An INCONCLUSIVE rule is a skipped test, unless the gate fails the build on it: then it is a
    // failure.
    boolean inconclusiveFails = r.failsBuild() && r.verdict() == Verdict.INCONCLUSIVE;
    long failures =
        rules.stream()
            .filter(
                x ->
                    x.verdict() == Verdict.FAIL
                        || (inconclusiveFails && x.verdict() == Verdict.INCONCLUSIVE))
            .count();
    long skipped =
        inconclusiveFails
            ? 0
            : rules.stream().filter(x -> x.verdict() == Verdict.INCONCLUSIVE).count();
    List<DataRuleResult> dataRules = r.data().rules();
    failures +=
        dataRules.stream()
            .filter(
                x ->
                    x.verdict() == Verdict.FAIL
                        || (inconclusiveFails && x.verdict() == Verdict.INCONCLUSIVE))
            .count();
    skipped +=
        inconclusiveFails
            ? 0
            : dataRules.stream().filter(x -> x.verdict() == Verdict.INCONCLUSIVE).count();
    boolean missingFails =
        r.baseline().missing()
            && r.verdict() == Verdict.FAIL
            && failures == 0
            && r.data().verdict() != Verdict.FAIL;
    int tests = rules.size() + dataRules.size() + (missingFails ? 1 : 0);
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      x.writeAttribute("name", "mlci gate");
      x.writeAttribute("tests", Integer.toString(tests));
      x.writeAttribute("failures", Long.toString(failures + (missingFails ? 1 : 0)));
      x.writeAttribute("skipped", Long.toString(skipped));
      x.writeCharacters("\n  ");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", "mlci gate: " + r.name());
      x.writeAttribute("tests", Integer.toString(tests));
      x.writeAttribute("failures", Long.toString(failures + (missingFails ? 1 : 0)));
      x.writeAttribute("errors", "0");
      x.writeAttribute("skipped", Long.toString(skipped));
      for (RuleView rule : rules) {
        x.writeCharacters("\n    ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", "mlci.gate." + r.name());
        x.writeAttribute("name", rule.rule());
        x.writeAttribute("time", "0");
        String why = rule.why();
        if (rule.verdict() == Verdict.FAIL
            || (inconclusiveFails && rule.verdict() == Verdict.INCONCLUSIVE)) {
          x.writeStartElement("failure");
          x.writeAttribute("message", why);
          x.writeAttribute("type", "regression");
          x.writeCharacters(details(r, rule));
          x.writeEndElement();
        } else if (rule.verdict() == Verdict.INCONCLUSIVE) {
          x.writeEmptyElement("skipped");
          x.writeAttribute("message", why + ". " + r.outcome());
        } else {
          x.writeStartElement("system-out");
          x.writeCharacters(why);
          x.writeEndElement();
        }
        x.writeEndElement();
      }
      for (DataRuleResult rule : dataRules) {
        x.writeCharacters("\n    ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", "mlci.gate." + r.name() + ".data");
        x.writeAttribute("name", rule.describe());
        x.writeAttribute("time", "0");
        String why = rule.verdict() + ": " + String.join("; ", rule.reasons());
        if (rule.verdict() == Verdict.FAIL
            || (inconclusiveFails && rule.verdict() == Verdict.INCONCLUSIVE)) {
          x.writeStartElement("failure");
          x.writeAttribute("message", why);
          x.writeAttribute("type", "data");
          x.writeCharacters(
              rule.statistic()
                  + " "
                  + DataReport.estimateText(rule)
                  + " "
                  + DataReport.intervalText(rule)
                  + ", threshold "
                  + DataReport.thresholdText(rule)
                  + "\n"
                  + r.outcome()
                  + "\n");
          x.writeEndElement();
        } else if (rule.verdict() == Verdict.INCONCLUSIVE) {
          x.writeEmptyElement("skipped");
          x.writeAttribute("message", why);
        } else {
          x.writeStartElement("system-out");
          x.writeCharacters(why);
          x.writeEndElement();
        }
        x.writeEndElement();
      }
      if (missingFails) {
        x.writeCharacters("\n    ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", "mlci.gate." + r.name());
        x.writeAttribute("name", "baseline");
        x.writeStartElement("failure");
        x.writeAttribute(
            "message", "no baseline: " + r.baseline().description() + " (gate.on_missing: fail)");
        x.writeEndElement();
        x.writeEndElement();
      }
      x.writeCharacters("\n  ");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing JUnit XML failed", e);
    }
    return out.toString();
  }

  /** A failure's body: the numbers, in the reports' one format and sign convention. */
  private static String details(GateView view, RuleView rule) {
    StringBuilder sb = new StringBuilder();
    sb.append(rule.metric()).append(": ").append(rule.direction()).append('\n');
    if (rule.hasBaseline()) {
      sb.append("baseline ").append(rule.baselineText()).append('\n');
    }
    sb.append("candidate ").append(rule.candidateText()).append('\n');
    rule.improvement()
        .ifPresent(
            i ->
                sb.append("improvement ")
                    .append(rule.improvementText())
                    .append(", ")
                    .append(ReportNumbers.percent(rule.confidence()))
                    .append(" interval ")
                    .append(rule.intervalText())
                    .append(" (")
                    .append(i.method())
                    .append("), tolerated drop ")
                    .append(rule.toleratedDropText())
                    .append('\n')
                    .append(GateView.CONVENTION)
                    .append('\n'));
    sb.append(view.outcome()).append('\n');
    return sb.toString();
  }
}
