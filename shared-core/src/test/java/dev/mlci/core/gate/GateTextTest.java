package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.eval.EvaluationBundle;
import org.junit.jupiter.api.Test;

/** The brief text ({@code --quiet}) keeps the headline and every rule that did not pass. */
class GateTextTest {
  @Test
  void brief_ofAFailingGate_isTheHeadlineAndTheRulesThatDidNotPass() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    GateView view =
        GateView.of(GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN), ctx);
    long notPassing = view.rules().stream().filter(r -> r.verdict() != Verdict.PASS).count();

    assertThat(notPassing).isPositive();
    assertThat(GateText.brief(view).get(0)).isEqualTo(view.headline());
    assertThat(GateText.brief(view).subList(1, GateText.brief(view).size()))
        .hasSizeGreaterThanOrEqualTo((int) notPassing)
        .noneMatch(l -> l.startsWith("  PASS "))
        .anyMatch(l -> l.startsWith("  FAIL "));
    assertThat(GateText.lines(view)).containsAll(GateText.brief(view));
  }

  @Test
  void brief_ofAPassingGate_isOneLine() {
    EvaluationBundle same = GateEvaluatorTest.bundle(0.85, 1, 400);
    GateReportContext ctx = GateReportsAgreeTest.context(same, same);
    GateView view =
        GateView.of(GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN), ctx);

    assertThat(view.rules()).allMatch(r -> r.verdict() == Verdict.PASS);
    assertThat(GateText.brief(view)).containsExactly(view.headline());
  }
}
