package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GateMarkdownTest {
  private static RuleResult rule(String metric, Verdict v, double lo, double hi) {
    GateRule r =
        new GateRule(
            metric,
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.of(0.01),
            OptionalDouble.empty(),
            Optional.empty(),
            GateRule.Test.PAIRED_BOOTSTRAP,
            OptionalDouble.empty(),
            0);
    boolean higher = !metric.equals("log_loss");
    return new RuleResult(
        r,
        higher,
        OptionalDouble.of(0.5),
        0.4,
        Optional.of(new Interval((lo + hi) / 2, lo, hi, 0.01, "paired-bootstrap", Double.NaN, "")),
        0.01,
        0.95,
        0.02,
        v,
        List.of("a reason | with a pipe <and> brackets"),
        Optional.empty(),
        Optional.empty());
  }

  private static GateReportContext ctx() {
    return new GateReportContext(
        "model", GateEvaluatorTest.bundle(0.8, 1, 10), Optional.empty(), "main", 2000, 42);
  }

  @Test
  void render_escapesTableBreakersAndShowsTheImprovementForLowerIsBetter() {
    GateResult r =
        new GateResult(
            Verdict.FAIL,
            true,
            new BaselineInfo("note", Optional.of("a".repeat(40)), "note on a"),
            Optional.of("b".repeat(40)),
            new GateResult.Pairing(true, 10, 0, 0, 0),
            List.of(rule("log_loss", Verdict.FAIL, -0.3, -0.1)),
            List.of());

    String md = GateMarkdown.render(r, ctx());

    assertThat(md).startsWith(GateMarkdown.MARKER);
    assertThat(md).contains("a reason \\| with a pipe &lt;and&gt; brackets");
    // Every report shows the improvement (positive = better): log loss rose by 0.2, an
    // improvement of -0.2, with the tolerated drop as a magnitude.
    assertThat(md)
        .contains("↓ | 0.5000 | 0.4000 | -0.2000 | [-0.3000, -0.1000] | 0.0100 | ❌ FAIL |");
    assertThat(md).contains(GateView.CONVENTION);
  }

  @Test
  void render_staysUnderTheLimit_howeverManyRules() {
    List<RuleResult> rules = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rules.add(rule("accuracy", Verdict.PASS, 0.0, 0.1));
    }
    GateResult r =
        new GateResult(
            Verdict.PASS,
            false,
            BaselineInfo.none("none"),
            Optional.empty(),
            GateResult.Pairing.none(10),
            rules,
            List.of("a note"));

    String md = GateMarkdown.render(r, ctx());

    assertThat(md.length()).isLessThanOrEqualTo(GateMarkdown.LIMIT);
    assertThat(md)
        .contains("more rules in gate.json")
        .contains("a note")
        .contains("how to read this");
  }
}
