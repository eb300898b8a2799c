package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.config.GateConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report's plots, drawn before the data gate is known: the same page as drawn after. */
class GatePlotsTest {
  @Test
  void plotsDrawnFromTheModelRulesAlone_makeTheSamePageAsAfterTheDataGate() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    GateResult model = GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN);
    // The data gate FAILs here: its result changes the verdict and the headline, not the plots.
    GateView full = DataReportTest.view();
    assertThat(full.data().verdict()).isEqualTo(Verdict.FAIL);

    GatePlots early = GatePlots.draw(GateView.of(model, ctx), ctx);

    assertThat(early.unavailable()).isEmpty();
    assertThat(early.svgs()).isNotEmpty().allSatisfy(svg -> assertThat(svg).startsWith("<svg"));
    assertThat(GateHtml.render(full, ctx, early)).isEqualTo(GateHtml.render(full, ctx));
  }

  @Test
  void plotsThatCannotBeDrawn_areSaidInThePage() {
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    GateView v = DataReportTest.view();
    GatePlots none = new GatePlots(List.of(), Optional.of("java.awt.AWTError: no fonts"));

    assertThat(GateHtml.render(v, ctx, none))
        .contains(
            "<h2>Plots</h2>\n<div class=\"plots\">\n"
                + "<p class=\"warn\">Plots unavailable on this machine"
                + " (java.awt.AWTError: no fonts).</p>\n</div>");
  }

  @Test
  void plotsAreEitherDrawnOrUnavailable() {
    assertThatThrownBy(() -> new GatePlots(List.of("<svg/>"), Optional.of("no fonts")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
