package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-checked values; the statsmodels cross-check (example-repos) covers many tables. */
class McNemarTest {
  @Test
  void fewDiscordantPairs_useTheExactBinomialTest() {
    Interval r = McNemar.fromCounts(10, 2, 100, 0.95);

    // 2 * P(X <= 2), X ~ Bin(12, 1/2) = 2 * (1 + 12 + 66) / 4096
    assertThat(r.pValue()).isCloseTo(2 * 79.0 / 4096, within(1e-12));
    assertThat(r.method()).isEqualTo("mcnemar-exact");
    assertThat(r.estimate()).isEqualTo(-0.08);
    assertThat(r.hi()).isLessThan(0);
  }

  @Test
  void manyDiscordantPairs_useChiSquaredWithContinuityCorrection() {
    Interval r = McNemar.fromCounts(40, 20, 500, 0.95);

    // statistic (|40 - 20| - 1)^2 / 60 = 6.0167; chi2(1) survival = erfc(sqrt(x / 2))
    assertThat(r.method()).isEqualTo("mcnemar-chi2");
    assertThat(r.pValue()).isCloseTo(0.014171, within(1e-5));
    assertThat(r.lo()).isLessThan(r.estimate());
  }

  @Test
  void noDisagreement_isExactlyNoChange() {
    Interval r = McNemar.fromCounts(0, 0, 50, 0.95);

    assertThat(r.lo()).isZero();
    assertThat(r.hi()).isZero();
    assertThat(r.pValue()).isEqualTo(1.0);
  }
}
