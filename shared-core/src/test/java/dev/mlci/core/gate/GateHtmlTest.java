package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.RegressionPredictions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class GateHtmlTest {
  /** The report's budget at 100,000 test rows. */
  static final int BUDGET = 300_000;

  static GateResult result(List<RuleResult> rules, Verdict verdict, boolean fails) {
    return new GateResult(
        verdict,
        fails,
        GateEvaluatorTest.NOTE,
        Optional.of("b".repeat(40)),
        new GateResult.Pairing(true, 100_000, 0, 0, 0),
        rules,
        List.of());
  }

  static RuleResult compared(String metric, boolean higher, Verdict v, double lo, double hi) {
    return new RuleResult(
        GateReportsAgreeTest.rule(metric, 0.01, 0),
        higher,
        OptionalDouble.of(0.8),
        0.79,
        Optional.of(new Interval((lo + hi) / 2, lo, hi, 0.01, "paired-bootstrap", Double.NaN, "")),
        0.01,
        0.95,
        0.02,
        v,
        List.of("because"),
        Optional.empty(),
        Optional.empty());
  }

  static EvaluationBundle regression(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] truth = new double[n];
    double[] predicted = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = rng.nextGaussian() * 10;
      predicted[i] = truth[i] + rng.nextGaussian();
    }
    return new EvaluationBundle(
        "m",
        "regression",
        Optional.of("c0ffee"),
        false,
        "d",
        "c",
        JsonNodeFactory.instance.objectNode(),
        Map.of(),
        Map.of(),
        new RegressionPredictions(
            IntStream.range(0, n).mapToObj(i -> "e" + i).toList(), truth, predicted),
        List.of());
  }

  @Test
  void render_100000Rows_staysUnderBudget() {
    GateResult r =
        result(
            List.of(compared("roc_auc", true, Verdict.PASS, -0.001, 0.002)), Verdict.PASS, false);
    for (GateReportContext ctx :
        List.of(
            GateReportsAgreeTest.context(
                GateEvaluatorTest.bundle(0.80, 2, 1_256), GateEvaluatorTest.bundle(0.81, 1, 1_256)),
            GateReportsAgreeTest.context(
                GateEvaluatorTest.bundle(0.80, 2, 100_000),
                GateEvaluatorTest.bundle(0.81, 1, 100_000)),
            GateReportsAgreeTest.context(regression(2, 100_000), regression(1, 100_000)))) {
      String html = GateHtml.render(r, ctx);
      int bytes = html.getBytes(StandardCharsets.UTF_8).length;
      System.out.println(
          "GATE-HTML "
              + ctx.candidate().task()
              + " "
              + ctx.candidate().predictions().size()
              + " rows: "
              + bytes
              + " bytes");
      assertThat(bytes).isLessThan(BUDGET);
      assertThat(Jsoup.parse(html).select("svg")).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void render_binary_everyChartHasALegend_theRocItsChanceDiagonal_noGreyBackground() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    GateResult r = GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN);

    Document doc = Jsoup.parse(GateHtml.render(r, ctx));

    List<Element> svgs = doc.select("svg");
    // improvement, accuracy vs majority class, ROC, precision-recall
    assertThat(svgs).hasSize(4);
    assertThat(svgs.get(0).text()).contains("interval and estimate", "tolerated drop", "zero");
    assertThat(svgs.get(1).text()).contains("majority class");
    assertThat(svgs.get(2).text()).contains("baseline", "candidate", "chance (random scores)");
    assertThat(svgs.get(3).text()).contains("baseline", "candidate", "chance (prevalence");
    // JFreeChart's default plot background is light grey (192,192,192).
    assertThat(doc.html()).doesNotContain("rgb(192,192,192)").doesNotContain("#c0c0c0");
  }

  @Test
  void render_multiclassAndRegression_haveLegends() {
    GateResult r =
        result(List.of(compared("rmse", false, Verdict.PASS, -0.001, 0.002)), Verdict.PASS, false);
    GateReportContext reg = GateReportsAgreeTest.context(regression(2, 500), regression(1, 500));

    Document doc = Jsoup.parse(GateHtml.render(r, reg));

    assertThat(doc.select("svg").last().text()).contains("Residuals", "baseline", "candidate");
  }

  @Test
  void render_candidateNoBetterThanTheMajorityClass_isFlaggedInEveryReport() {
    // 67% of the examples are 'no'; the candidate is right on 66.2% of them.
    int n = 1000;
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = i < 670 ? 0 : 1;
      boolean right = i < 662;
      predicted[i] = right ? truth[i] : 1 - truth[i];
      scores[i] = predicted[i] == 1 ? new double[] {0.3, 0.7} : new double[] {0.7, 0.3};
    }
    EvaluationBundle c =
        new EvaluationBundle(
            "m",
            "classification",
            Optional.of("c0ffee"),
            false,
            "d",
            "c",
            JsonNodeFactory.instance.objectNode(),
            Map.of(),
            Map.of(),
            new ClassificationPredictions(
                IntStream.range(0, n).mapToObj(i -> "e" + i).toList(),
                List.of("no", "yes"),
                truth,
                predicted,
                scores,
                true,
                1),
            List.of());
    GateReportContext ctx = new GateReportContext("model", c, Optional.empty(), "main", 1000, 42);
    GateResult r =
        result(
            List.of(compared("accuracy", true, Verdict.PASS, -0.001, 0.002)), Verdict.PASS, false);

    GateView v = GateView.of(r, ctx);

    assertThat(v.majority()).isPresent();
    assertThat(v.majority().get().accuracy()).isEqualTo(0.67);
    assertThat(v.majority().get().candidateAccuracy()).isEqualTo(0.662);
    String flag =
        "The candidate's accuracy 0.6620 is at or below always predicting the majority class 'no'";
    assertThat(GateMarkdown.render(v)).contains(flag).contains("line \"majority class\" [0.67000]");
    assertThat(Jsoup.parse(GateHtml.render(v, ctx)).text()).contains(flag);
    assertThat(GateText.lines(v)).anyMatch(l -> l.contains(flag));
    assertThat(GateFiles.json(v).path("majority_class").path("candidate_at_or_below").asBoolean())
        .isTrue();
  }

  @Test
  void outcome_inconclusive_saysWhetherTheBuildIsRedOrGreen() {
    RuleResult unsure = compared("accuracy", true, Verdict.INCONCLUSIVE, -0.03, 0.01);
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();

    GateView warn = GateView.of(result(List.of(unsure), Verdict.INCONCLUSIVE, false), ctx);
    GateView fail = GateView.of(result(List.of(unsure), Verdict.INCONCLUSIVE, true), ctx);

    assertThat(warn.outcome())
        .startsWith("The build passes with a warning (green")
        .contains("gate.inconclusive is warn");
    assertThat(fail.outcome())
        .startsWith("The build fails (red)")
        .contains("gate.inconclusive: fail");
    for (GateView v : List.of(warn, fail)) {
      assertThat(GateMarkdown.render(v)).contains(v.outcome());
      assertThat(Jsoup.parse(GateHtml.render(v, ctx)).text()).contains(v.outcome());
      assertThat(GateText.lines(v)).contains(v.outcome());
      assertThat(GateFiles.junit(v)).contains(v.outcome());
      assertThat(GateFiles.json(v).path("outcome").asString()).isEqualTo(v.outcome());
    }
  }
}
