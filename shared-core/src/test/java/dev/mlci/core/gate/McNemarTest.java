package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Hand-checked values of Tango's score interval; the Python cross-check (example-repos) and the
 * coverage enumeration in {@code GateStatisticsTest} cover many tables.
 */
class McNemarTest {
  @Test
  void scoreAtZero_isMcNemarsStatisticWithHalfACountCorrection() {
    Interval r = McNemar.fromCounts(18, 8, 200, 0.95);

    // (|8 - 18| - 0.5) / sqrt(26) = 1.8631; two-sided normal p = 0.06245
    assertThat(McNemar.score(18, 8, 200, 0)).isCloseTo(-9.5 / Math.sqrt(26), within(1e-12));
    assertThat(r.pValue()).isCloseTo(0.062449, within(1e-5));
    // The verdict comes from the same test: p > 0.05, so the 95% interval contains 0.
    assertThat(r.lo()).isLessThan(0);
    assertThat(r.hi()).isGreaterThan(0);
    assertThat(r.method()).isEqualTo("mcnemar-score");
  }

  @Test
  void intervalEnds_areWhereTheScoreTestRejects() {
    Interval r = McNemar.fromCounts(40, 20, 500, 0.95);

    assertThat(McNemar.score(40, 20, 500, r.lo())).isCloseTo(1.959964, within(1e-6));
    assertThat(McNemar.score(40, 20, 500, r.hi())).isCloseTo(-1.959964, within(1e-6));
    assertThat(r.estimate()).isEqualTo(-0.04);
  }

  @Test
  void candidateNeverWins_lowerEndStillBelowTheEstimate() {
    Interval r = McNemar.fromCounts(6, 0, 200, 0.95);

    assertThat(r.lo()).isLessThan(r.estimate() - 0.01);
    assertThat(r.hi()).isLessThan(0);
  }

  @Test
  void noDisagreement_isNotAPointInterval() {
    Interval r = McNemar.fromCounts(0, 0, 50, 0.95);

    assertThat(r.pValue()).isEqualTo(1.0);
    assertThat(r.lo()).isLessThan(-0.03);
    assertThat(r.hi()).isGreaterThan(0.03);
    assertThat(r.standardError()).isPositive();
  }
}
