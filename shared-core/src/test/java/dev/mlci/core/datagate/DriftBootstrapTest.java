package dev.mlci.core.datagate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.core.gate.Interval;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import dev.mlci.format.profile.Profiler;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftBootstrapTest {
  @Test
  void bounded_drawsWhatSplittableRandomNextIntDraws() {
    int[] bounds = {1, 2, 3, 7, 100, 119, 200, 256, 1000, 65_537, 1 << 30, (1 << 30) + 1};
    for (int bound : bounds) {
      DriftBootstrap.Bounded fast = new DriftBootstrap.Bounded(bound);
      for (long seed = 0; seed < 20; seed++) {
        SplittableRandom jdk = new SplittableRandom(seed);
        SplittableRandom ours = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
          assertThat(fast.next(ours))
              .as("bound %d, seed %d, draw %d", bound, seed, i)
              .isEqualTo(jdk.nextInt(bound));
        }
      }
    }
    DriftBootstrap.Bounded max = new DriftBootstrap.Bounded(Integer.MAX_VALUE);
    SplittableRandom rng = new SplittableRandom(5);
    for (int u : new int[] {0, 1, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, rng.nextInt() >>> 1}) {
      assertThat(max.remainder(u)).isEqualTo(u % Integer.MAX_VALUE);
    }
  }

  @Test
  void merge_distance_isDriftsWassersteinOfTheWeightedSketches() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      // Integer-valued atoms: ties within and across the sides.
      double[] a = atoms(rng, 1 + rng.nextInt(60));
      double[] b = atoms(rng, 1 + rng.nextInt(60));
      double[] wa = weights(rng, a.length);
      double[] wb = weights(rng, b.length);
      double[] ca = new double[a.length + 1];
      double[] cb = new double[b.length + 1];
      DriftBootstrap.cumulate(wa, ca);
      DriftBootstrap.cumulate(wb, cb);
      double expected = Drift.wassersteinSorted(a, wa, b, wb);
      double got = DriftBootstrap.Merge.of(a, b).distance(ca, cb);
      if (Double.isNaN(expected)) {
        assertThat(got).isNaN();
      } else {
        assertThat(got).isCloseTo(expected, within(1e-12 * (1 + expected)));
      }
    }
  }

  @Test
  void wasserstein_oneCheck_isTheTextbookBootstrapOfThatCheck() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int n : new int[] {150, 1_800, 50_000}) {
      ColumnProfile base = numbers(rng, n, 0);
      ColumnProfile cand = numbers(rng, n / 3, 0.2);
      Interval got = DriftBootstrap.wasserstein(base, cand, 0.01, 500, 42);
      Interval expected = reference(base, cand, 0.01, 500, 42);
      assertThat(got.estimate()).isEqualTo(expected.estimate());
      assertThat(got.lo()).isCloseTo(expected.lo(), within(1e-12));
      assertThat(got.hi()).isCloseTo(expected.hi(), within(1e-12));
      assertThat(got.standardError()).isCloseTo(expected.standardError(), within(1e-12));
      assertThat(got.hi()).isGreaterThan(got.lo());
    }
  }

  @Test
  void wasserstein_checksOfOneSize_shareTheFirstChecksResampleWeights() {
    SplittableRandom rng = new SplittableRandom(12);
    ColumnProfile b1 = numbers(rng, 400, 0);
    ColumnProfile c1 = numbers(rng, 120, 0.1);
    ColumnProfile b2 = numbers(rng, 400, 0);
    ColumnProfile c2 = numbers(rng, 120, 0.3);
    ColumnProfile b3 = numbers(rng, 399, 0); // another size: weights of its own
    ColumnProfile c3 = numbers(rng, 120, 0.3);
    List<Interval> got =
        DriftBootstrap.wasserstein(
            List.of(
                new DriftBootstrap.Check(b1, c1, 1),
                new DriftBootstrap.Check(b2, c2, 2),
                new DriftBootstrap.Check(b3, c3, 3)),
            0.01,
            500);
    Interval[] expected = {
      reference(b1, c1, 0.01, 500, 1),
      reference(b2, c2, 0.01, 500, 1),
      reference(b3, c3, 0.01, 500, 3)
    };
    for (int i = 0; i < 3; i++) {
      assertThat(got.get(i).lo()).as("check %d", i).isCloseTo(expected[i].lo(), within(1e-12));
      assertThat(got.get(i).hi()).as("check %d", i).isCloseTo(expected[i].hi(), within(1e-12));
    }
    // With its own seed the second check's interval would differ: the weights are shared.
    assertThat(got.get(1).hi()).isNotCloseTo(reference(b2, c2, 0.01, 500, 2).hi(), within(1e-9));
  }

  @Test
  void aCheckAtDistanceZero_isTheBootstrapsZeroInterval_andLeavesItsGroupAlone() {
    SplittableRandom rng = new SplittableRandom(13);
    ColumnProfile same = numbers(rng, 400, 0);
    ColumnProfile b2 = numbers(rng, 400, 0);
    ColumnProfile c2 = numbers(rng, 400, 0.3);
    // The resampled interval of an identical pair, computed the plain way, is [0, 0] too.
    Interval resampled = reference(same, same, 0.01, 500, 1);
    assertThat(resampled.estimate()).isZero();
    assertThat(resampled.lo()).isZero();
    assertThat(resampled.hi()).isZero();

    List<Interval> got =
        DriftBootstrap.wasserstein(
            List.of(new DriftBootstrap.Check(same, same, 1), new DriftBootstrap.Check(b2, c2, 2)),
            0.01,
            500);
    assertThat(got.get(0).lo()).isZero();
    assertThat(got.get(0).hi()).isZero();
    assertThat(got.get(0).standardError()).as("no resamples drawn").isNaN();
    // The second check still has the group's first seed's weights, as if the first were computed.
    Interval second = reference(b2, c2, 0.01, 500, 1);
    assertThat(got.get(1).lo()).isCloseTo(second.lo(), within(1e-12));
    assertThat(got.get(1).hi()).isCloseTo(second.hi(), within(1e-12));
    assertThat(got.get(1).hi()).isGreaterThan(0);

    // A category profile alike on both sides: [0, 0], as every resample is at least 0.
    ColumnProfile categories =
        Profiler.categories("colour", java.util.Map.of("red", 40L, "blue", 25L, "green", 9L), 0);
    Interval js = DriftBootstrap.jensenShannon(categories, categories, 0.01, 500, 3);
    assertThat(js.lo()).isZero();
    assertThat(js.hi()).isZero();
  }

  /**
   * The drift bootstrap written the plain way (as before the batch): per resample, {@code n} draws
   * of {@code rng.nextInt(k)} a side (or a Poisson weight per atom), the weighted standard
   * deviation in two passes, {@link Drift#wassersteinSorted}.
   */
  static Interval reference(
      ColumnProfile base, ColumnProfile cand, double tail, int resamples, long seed) {
    double[] qa = base.quantiles();
    double[] qb = cand.quantiles();
    double scale = Drift.scale(base);
    double estimate = Drift.wassersteinSorted(qa, null, qb, null) / scale;
    double atomSd = DriftBootstrap.weightedSd(qa, null);
    double[] stats = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      SplittableRandom rng = DriftBootstrap.generator(seed, b);
      double[] wa = plainResample(qa.length, base.count(), rng);
      double[] wb = plainResample(qb.length, cand.count(), rng);
      double ratio = atomSd > 0 ? DriftBootstrap.weightedSd(qa, wa) / atomSd : 1;
      stats[b] = Drift.wassersteinSorted(qa, wa, qb, wb) / (scale * (ratio > 0 ? ratio : 1));
    }
    return DriftBootstrap.interval(estimate, stats, tail, "bootstrap");
  }

  private static double[] plainResample(int k, long n, SplittableRandom rng) {
    double[] w = new double[k];
    if (n > DriftBootstrap.MULTINOMIAL_UP_TO) {
      DriftBootstrap.Poisson p = DriftBootstrap.Poisson.of((double) n / k);
      for (int i = 0; i < k; i++) {
        w[i] = p.draw(rng);
      }
      return w;
    }
    for (long i = 0; i < n; i++) {
      w[rng.nextInt(k)]++;
    }
    return w;
  }

  private static ColumnProfile numbers(SplittableRandom rng, int n, double shift) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.rint(10 * (rng.nextGaussian() + shift)) / 10; // ties, as real columns have
    }
    return Profiler.numbers("x", x);
  }

  private static double[] atoms(SplittableRandom rng, int k) {
    double[] x = new double[k];
    for (int i = 0; i < k; i++) {
      x[i] = rng.nextInt(20) - 5;
    }
    Arrays.sort(x);
    return x;
  }

  private static double[] weights(SplittableRandom rng, int k) {
    double[] w = new double[k];
    for (int i = 0; i < k; i++) {
      w[i] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(7);
    }
    return w;
  }
}
