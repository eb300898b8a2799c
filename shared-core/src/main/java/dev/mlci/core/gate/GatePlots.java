package dev.mlci.core.gate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The plots of gate.html, drawn: the SVG of each in page order, or why none could be drawn (a
 * machine without fonts cannot draw text; the report's numbers still stand). The plots depend on
 * the model rules and the predictions only, never on the data gate, so {@link GateFiles} can have
 * them drawn while the data gate still computes.
 *
 * @param svgs each plot's SVG, in page order; empty when {@code unavailable} is present
 * @param unavailable what stopped the drawing, shown in the report instead of the plots
 */
public record GatePlots(List<String> svgs, Optional<String> unavailable) {
  public GatePlots {
    svgs = List.copyOf(svgs);
    Objects.requireNonNull(unavailable, "unavailable");
    if (unavailable.isPresent() && !svgs.isEmpty()) {
      throw new IllegalArgumentException("plots are either drawn or unavailable, not both");
    }
  }

  /**
   * Draws the plots of {@code v}'s model rules for the predictions in {@code ctx}; {@code v}'s data
   * gate result is not read.
   */
  public static GatePlots draw(GateView v, GateReportContext ctx) {
    try {
      return new GatePlots(GateCharts.plots(v, ctx.candidate(), ctx.baseline()), Optional.empty());
    } catch (Error | RuntimeException e) {
      return new GatePlots(List.of(), Optional.of(String.valueOf(e)));
    }
  }
}
