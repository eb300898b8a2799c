package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.datagate.DataGate;
import dev.mlci.core.datagate.DataGateConfig;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.Profiler;
import dev.mlci.format.profile.TableProfile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/** The data section agrees across gate.md, gate.html, gate.json and gate-junit.xml. */
class DataReportTest {
  static DataProfile profile(long seed, double shift, double newShare) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] age = new double[4000];
    double[] income = new double[4000];
    for (int i = 0; i < age.length; i++) {
      age[i] = 40 + 10 * rng.nextGaussian() + shift;
      income[i] = Math.exp(rng.nextGaussian());
    }
    long fresh = Math.round(4000 * newShare);
    ColumnProfile plan =
        Profiler.categories(
            "plan", Map.of("basic", 2000L - fresh, "pro", 1500L, "team", 500L, "gold", fresh), 0);
    TableProfile t =
        new TableProfile(
            4000,
            List.of(Profiler.numbers("age", age), Profiler.numbers("income", income), plan),
            Optional.of(Profiler.categories("churned", Map.of("no", 3000L, "yes", 1000L), 0)));
    return new DataProfile(Map.of(DataProfile.TRAIN, t));
  }

  static GateView view() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    DataGateResult data =
        new DataGate(DataGateConfig.defaults(), 0.95, 400, 42)
            .evaluate(Optional.of(profile(2, 8, 0.05)), Optional.of(profile(1, 0, 0)));
    GateResult r =
        GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN).withData(data, false);
    return GateView.of(r, ctx);
  }

  @Test
  void everyReport_showsTheSameDataRules() throws Exception {
    GateView v = view();
    DataGateResult d = v.data();
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(v.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(v.failsBuild()).isTrue();
    assertThat(v.headline()).contains("data FAIL (");

    String md = GateMarkdown.render(v);
    assertThat(md)
        .contains("### ❌ Data: **FAIL**")
        .contains("| drift train age (normed_wasserstein) |")
        .contains("| schema.unseen_categories |")
        .contains("'gold'")
        .contains("xychart-beta");

    JsonNode json = GateFiles.json(v).path("data");
    assertThat(json.path("verdict").asString()).isEqualTo("FAIL");
    assertThat(json.path("rules").size()).isEqualTo(d.rules().size());
    JsonNode age = null;
    for (JsonNode rule : json.path("rules")) {
      if (rule.path("id").asString().equals("drift.train.age")) {
        age = rule;
      }
    }
    assertThat(age).isNotNull();
    assertThat(age.path("verdict").asString()).isEqualTo("FAIL");
    assertThat(age.path("interval").path("lo").asDouble()).isGreaterThan(0.1);
    assertThat(md)
        .contains(
            DataReport.intervalText(
                d.rules().stream()
                    .filter(r -> r.id().equals("drift.train.age"))
                    .findFirst()
                    .orElseThrow()));

    // A real XML parser reads the JUnit file: one test case per model and per data rule.
    Document junit =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(GateFiles.junit(v).getBytes(StandardCharsets.UTF_8)));
    int testcases = junit.getElementsByTagName("testcase").getLength();
    assertThat(testcases).isEqualTo(v.rules().size() + d.rules().size());
    long dataFailures = d.failed();
    long modelFailures = v.rules().stream().filter(r -> r.verdict() == Verdict.FAIL).count();
    assertThat(junit.getDocumentElement().getAttribute("failures"))
        .isEqualTo(Long.toString(dataFailures + modelFailures));

    // jsoup reads gate.html: the data table has a row per rule, and the drifted columns are drawn.
    org.jsoup.nodes.Document html =
        Jsoup.parse(GateHtml.render(v, GateReportsAgreeTest.degradedContext()));
    assertThat(html.select("h2:contains(Data)").text()).isEqualTo("Data: FAIL");
    assertThat(html.select("svg title:containsOwn(drift train age)")).hasSize(1);
  }

  @Test
  void withoutADataGate_theReportsAreAsBefore() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    GateView v = GateView.of(GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN), ctx);
    assertThat(GateMarkdown.render(v)).doesNotContain("Data:");
    assertThat(GateFiles.json(v).path("data").path("ran").asBoolean()).isFalse();
  }

  /**
   * The data section's chart parses with Mermaid's own parser (as GateMermaidTest: needs
   * MLCI_MERMAID, skipped without it unless MLCI_REQUIRE_MERMAID is set).
   */
  @Test
  void theDataChart_parsesWithMermaid() throws Exception {
    String dir = System.getenv("MLCI_MERMAID");
    java.nio.file.Path script = dir == null ? null : java.nio.file.Path.of(dir, "parse.mjs");
    if (script == null || !java.nio.file.Files.isRegularFile(script)) {
      if (System.getenv("MLCI_REQUIRE_MERMAID") != null) {
        throw new AssertionError("MLCI_MERMAID is not set, MLCI_REQUIRE_MERMAID is");
      }
      org.junit.jupiter.api.Assumptions.abort("set MLCI_MERMAID (see GateMermaidTest)");
    }
    String chart = DataReport.chart(view().data());
    assertThat(chart).contains("xychart-beta");
    java.nio.file.Path md = java.nio.file.Files.createTempFile("data-gate", ".md");
    java.nio.file.Files.writeString(md, chart, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder("node", script.toString(), md.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(out).as(out).contains("1 blocks 0 failed");
    assertThat(p.exitValue()).isZero();
  }
}
