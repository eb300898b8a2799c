package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JointBootstrapTest {
  static double[][] normals(int k, int resamples, boolean sameDraw, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] d = new double[k][resamples];
    for (int b = 0; b < resamples; b++) {
      double shared = GateStatisticsTest.gaussian(r);
      for (int j = 0; j < k; j++) {
        d[j][b] = sameDraw ? shared : GateStatisticsTest.gaussian(r);
      }
    }
    return d;
  }

  @Test
  void oneStatistic_isThePlainPercentileInterval() {
    double[][] d = normals(1, 4000, false, 1);
    double[] sorted = d[0].clone();
    java.util.Arrays.sort(sorted);

    Interval i = JointBootstrap.intervals(new double[] {0}, d, 0.05, "paired-bootstrap").get(0);

    assertThat(i.lo()).isEqualTo(Bootstrap.quantile(sorted, 0.025));
    assertThat(i.hi()).isEqualTo(Bootstrap.quantile(sorted, 0.975));
  }

  @Test
  void perfectlyCorrelatedStatistics_needNoWidening() {
    double[][] d = normals(5, 4000, true, 2);

    List<Interval> is = JointBootstrap.intervals(new double[5], d, 0.05, "paired-bootstrap");

    assertThat(is.get(0).hi()).isCloseTo(1.96, within(0.1));
    assertThat(is.get(4).lo()).isCloseTo(-1.96, within(0.1));
  }

  @Test
  void independentStatistics_widenLikeSidak() {
    // Five independent normals: each end at 1 - (1 - 0.025)^(1/5) = 0.5050% -> z = 2.57.
    double[][] d = normals(5, 20000, false, 3);

    List<Interval> is = JointBootstrap.intervals(new double[5], d, 0.05, "paired-bootstrap");

    for (Interval i : is) {
      assertThat(i.hi()).isCloseTo(2.57, within(0.08));
      assertThat(i.lo()).isCloseTo(-2.57, within(0.08));
      assertThat(i.note()).contains("simultaneous with 5 statistics");
    }
  }
}
