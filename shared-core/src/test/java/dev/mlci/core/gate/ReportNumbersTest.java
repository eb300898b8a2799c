package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportNumbersTest {
  @Test
  void value_fourDecimals_neverNegativeZero() {
    assertThat(ReportNumbers.value(0.66204)).isEqualTo("0.6620");
    assertThat(ReportNumbers.value(0)).isEqualTo("0.0000");
    assertThat(ReportNumbers.value(-0.0)).isEqualTo("0.0000");
    assertThat(ReportNumbers.value(-0.00004)).isEqualTo("0.0000");
    assertThat(ReportNumbers.value(-0.00005)).isEqualTo("-0.0001");
    assertThat(ReportNumbers.value(Double.NaN)).isEqualTo("n/a");
    assertThat(ReportNumbers.value(Double.POSITIVE_INFINITY)).isEqualTo("∞");
  }

  @Test
  void signed_alwaysSigned_butZeroHasNone() {
    assertThat(ReportNumbers.signed(0.012)).isEqualTo("+0.0120");
    assertThat(ReportNumbers.signed(-0.003)).isEqualTo("-0.0030");
    assertThat(ReportNumbers.signed(-0.00001)).isEqualTo("0.0000");
    assertThat(ReportNumbers.signed(0)).isEqualTo("0.0000");
    assertThat(ReportNumbers.interval(0.01, -0.03)).isEqualTo("[-0.0300, +0.0100]");
  }

  @Test
  void chart_isAPlainDecimalMermaidReads() {
    assertThat(ReportNumbers.chart(-0.0)).isEqualTo("0.00000");
    assertThat(ReportNumbers.chart(-0.000001)).isEqualTo("0.00000");
    assertThat(ReportNumbers.chart(1e-7)).doesNotContain("E");
    assertThat(ReportNumbers.chart(Double.NaN)).isEqualTo("0.00000");
  }

  @Test
  void evaluatorReasons_useTheSameFormat() {
    assertThat(GateEvaluator.fmt(0)).isEqualTo(ReportNumbers.value(0));
    assertThat(GateEvaluator.signed(-0.00001)).isEqualTo("0.0000");
  }
}
