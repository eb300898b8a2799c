package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SwapTestTest {
  /** Two regression models of the same quality (shared + own normal error) on n examples. */
  static RegressionPredictions[] pair(long seed, int n, double candidateExtra) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] truth = new double[n];
    double[] base = new double[n];
    double[] cand = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = GateStatisticsTest.gaussian(r);
      double shared = GateStatisticsTest.gaussian(r);
      base[i] = truth[i] + shared + GateStatisticsTest.gaussian(r);
      cand[i] = truth[i] + shared + (1 + candidateExtra) * GateStatisticsTest.gaussian(r);
    }
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "x" + i).toList();
    return new RegressionPredictions[] {
      new RegressionPredictions(ids, truth, cand), new RegressionPredictions(ids, truth, base)
    };
  }

  /** The oriented RMSE improvement under swaps, and its value on the data as observed. */
  static SwapTest.Statistic rmse(RegressionPredictions[] p) {
    MetricFunction f = MetricFunction.of(Metric.RMSE, SwapTest.concat(p[0], p[1]));
    return (cand, base) -> -(f.value(cand) - f.value(base));
  }

  static double observed(SwapTest.Statistic s, int n) {
    int[] cand = new int[2 * n];
    int[] base = new int[2 * n];
    Arrays.fill(cand, 0, n, 1);
    Arrays.fill(base, n, 2 * n, 1);
    return s.apply(cand, base);
  }

  @Test
  void observedDataThroughTheJoinedSet_isTheDirectComparison() {
    RegressionPredictions[] p = pair(1, 80, 0);
    double direct =
        -(MetricFunction.of(Metric.RMSE, p[0]).value(null)
            - MetricFunction.of(Metric.RMSE, p[1]).value(null));

    assertThat(observed(rmse(p), 80)).isCloseTo(direct, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void equalModels_rejectAtMostTheLevel() {
    // Exact under exchangeability: P(p <= 0.05) <= 0.05; 1,000 data sets, 2.33 Monte Carlo errors.
    int reps = 1000;
    int hits = 0;
    for (int k = 0; k < reps; k++) {
      RegressionPredictions[] p = pair(100 + k, 60, 0);
      SwapTest.Statistic s = rmse(p);
      double pv =
          SwapTest.adjustedLowerP(List.of(s), new double[] {observed(s, 60)}, 60, 200, k)[0];
      assertThat(pv).isBetween(1.0 / 201, 1.0);
      if (pv <= 0.05) {
        hits++;
      }
    }
    assertThat((double) hits / reps)
        .isLessThanOrEqualTo(GateStatisticsTest.upper(0.05, reps))
        .isGreaterThan(0.02);
  }

  @Test
  void aWorseCandidate_isToldApart() {
    RegressionPredictions[] p = pair(7, 300, 1.0);
    SwapTest.Statistic s = rmse(p);

    double pv =
        SwapTest.adjustedLowerP(List.of(s), new double[] {observed(s, 300)}, 300, 999, 3)[0];

    assertThat(pv).isEqualTo(1.0 / 1000);
  }

  @Test
  void theSameStatisticTwice_needsNoAdjustment_andSeedsRepeat() {
    RegressionPredictions[] p = pair(9, 100, 0.1);
    SwapTest.Statistic s = rmse(p);
    double obs = observed(s, 100);

    double single = SwapTest.adjustedLowerP(List.of(s), new double[] {obs}, 100, 500, 5)[0];
    double[] twice = SwapTest.adjustedLowerP(List.of(s, s), new double[] {obs, obs}, 100, 500, 5);

    assertThat(twice).containsExactly(single, single);
    assertThat(SwapTest.adjustedLowerP(List.of(s), new double[] {obs}, 100, 500, 5)[0])
        .isEqualTo(single);
  }

  @Test
  void independentStatistics_areAdjustedUpwards() {
    RegressionPredictions[] a = pair(11, 100, 0.3);
    RegressionPredictions[] b = pair(12, 100, 0.3);
    SwapTest.Statistic sa = rmse(a);
    SwapTest.Statistic sb = rmse(b);
    double oa = observed(sa, 100);
    double ob = observed(sb, 100);

    double alone = SwapTest.adjustedLowerP(List.of(sa), new double[] {oa}, 100, 500, 5)[0];
    double joint = SwapTest.adjustedLowerP(List.of(sa, sb), new double[] {oa, ob}, 100, 500, 5)[0];

    assertThat(joint).isGreaterThanOrEqualTo(alone);
  }
}
