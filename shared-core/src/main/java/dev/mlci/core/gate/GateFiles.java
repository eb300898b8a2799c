package dev.mlci.core.gate;

import dev.mlci.core.io.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

  /** Writes all four reports into {@code dir}. */
  public static void write(Path dir, GateResult result, GateReportContext ctx) throws IOException {
    Json.write(dir.resolve(JSON), json(result, ctx));
    Files.writeString(
        dir.resolve(MARKDOWN), GateMarkdown.render(result, ctx), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(JUNIT), junit(result, ctx), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(HTML), GateHtml.render(result, ctx), StandardCharsets.UTF_8);
  }

  /** The machine-readable verdict. */
  public static ObjectNode json(GateResult r, GateReportContext ctx) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("schema", SCHEMA);
    root.put("name", ctx.name());
    root.put("verdict", r.verdict().name());
    root.put("fails_build", r.failsBuild());
    root.put("headline", r.headline());
    ObjectNode baseline = root.putObject("baseline");
    baseline.put("source", r.baseline().source());
    if (r.baseline().commit().isPresent()) {
      baseline.put("commit", r.baseline().commit().get());
    } else {
      baseline.putNull("commit");
    }
    baseline.put("description", r.baseline().description());
    baseline.put("target", ctx.target());
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
    bootstrap.put("resamples", ctx.resamples());
    bootstrap.put("seed", ctx.seed());
    ArrayNode rules = root.putArray("rules");
    for (RuleResult rule : r.rules()) {
      ObjectNode n = rules.addObject();
      n.put("metric", rule.metric());
      n.put("rule", rule.rule().describe());
      if (rule.rule().index() >= 0) {
        n.put("index", rule.rule().index());
        if (rule.rule().line() > 0) {
          n.put("line", rule.rule().line());
        }
      }
      n.put("higher_is_better", rule.higherIsBetter());
      putNumber(
          n, "baseline", rule.baseline().isPresent() ? rule.baseline().getAsDouble() : Double.NaN);
      putNumber(n, "candidate", rule.candidate());
      n.put("tolerance", rule.tolerance());
      n.put("confidence", rule.confidence());
      if (rule.interval().isPresent()) {
        Interval i = rule.interval().get();
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
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
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
    List<RuleResult> rules = r.rules();
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
    boolean missingFails = r.baseline().missing() && r.verdict() == Verdict.FAIL && failures == 0;
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      x.writeAttribute("name", "mlci gate");
      x.writeAttribute("tests", Integer.toString(rules.size() + (missingFails ? 1 : 0)));
      x.writeAttribute("failures", Long.toString(failures + (missingFails ? 1 : 0)));
      x.writeAttribute("skipped", Long.toString(skipped));
      x.writeCharacters("\n  ");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", "mlci gate: " + ctx.name());
      x.writeAttribute("tests", Integer.toString(rules.size() + (missingFails ? 1 : 0)));
      x.writeAttribute("failures", Long.toString(failures + (missingFails ? 1 : 0)));
      x.writeAttribute("errors", "0");
      x.writeAttribute("skipped", Long.toString(skipped));
      for (RuleResult rule : rules) {
        x.writeCharacters("\n    ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", "mlci.gate." + ctx.name());
        x.writeAttribute("name", rule.rule().describe());
        x.writeAttribute("time", "0");
        String why = rule.verdict() + ": " + String.join("; ", rule.reasons());
        if (rule.verdict() == Verdict.FAIL
            || (inconclusiveFails && rule.verdict() == Verdict.INCONCLUSIVE)) {
          x.writeStartElement("failure");
          x.writeAttribute("message", why);
          x.writeAttribute("type", "regression");
          x.writeCharacters(details(rule));
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
        x.writeAttribute("classname", "mlci.gate." + ctx.name());
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

  private static String details(RuleResult rule) {
    StringBuilder sb = new StringBuilder();
    rule.baseline().ifPresent(b -> sb.append(String.format(Locale.ROOT, "baseline %.6f%n", b)));
    sb.append(String.format(Locale.ROOT, "candidate %.6f%n", rule.candidate()));
    rule.interval()
        .ifPresent(
            i ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "change (candidate - baseline) %+.6f, %.0f%% interval %s (%s), tolerated drop %.6f%n",
                        GateMarkdown.raw(rule, i.estimate()),
                        rule.confidence() * 100,
                        GateMarkdown.rawInterval(rule, i),
                        i.method(),
                        rule.tolerance())));
    return sb.toString();
  }
}
