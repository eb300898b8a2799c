package dev.mlci.format.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The drift statistics against the values scipy's documentation gives for its own examples ({@code
 * scipy.stats.wasserstein_distance}, {@code scipy.spatial.distance.jensenshannon}); the
 * column-by-column cross-check with scipy itself is {@code DataStatisticsCrossCheckIT}.
 */
class DriftTest {
  @Test
  void wasserstein_matchesScipysDocumentedExamples() {
    assertThat(Drift.wasserstein(new double[] {0, 1, 3}, new double[] {5, 6, 8}))
        .isCloseTo(5.0, within(1e-12));
    assertThat(
            Drift.wassersteinSorted(
                new double[] {0, 1}, new double[] {3, 1}, new double[] {0, 1}, new double[] {2, 2}))
        .isCloseTo(0.25, within(1e-12));
    // wasserstein_distance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5])
    double[] u = {3.4, 3.9, 7.5, 7.8};
    double[] wu = {1.4, 0.9, 3.1, 7.2};
    double[] v = {1.4, 4.5};
    double[] wv = {3.5, 3.2};
    assertThat(Drift.wassersteinSorted(u, wu, v, wv)).isCloseTo(4.0781331438047861, within(1e-12));
  }

  @Test
  void wasserstein_ofEqualSamples_isZero_andOfAShift_isTheShift() {
    double[] a = {1, 2, 2, 5, 9};
    assertThat(Drift.wasserstein(a, a.clone())).isZero();
    double[] b = {3, 4, 4, 7, 11};
    assertThat(Drift.wasserstein(a, b)).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void jensenShannon_matchesScipysDocumentedExamples() {
    // jensenshannon([1, 0, 0], [0, 1, 0]) with the natural log is sqrt(ln 2).
    assertThat(Drift.jensenShannon(new double[] {1, 0, 0}, new double[] {0, 1, 0}))
        .isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
    // jensenshannon([1.0, 0.0], [0.5, 0.5]) = 0.46450140402245893
    assertThat(Drift.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5}))
        .isCloseTo(0.46450140402245893, within(1e-12));
    // Counts are normalised, as scipy does: [2, 0] is [1, 0].
    assertThat(Drift.jensenShannon(new double[] {2, 0}, new double[] {5, 5}))
        .isCloseTo(0.46450140402245893, within(1e-12));
    assertThat(Drift.jensenShannon(new double[] {3, 1}, new double[] {6, 2})).isZero();
  }

  @Test
  void aSideWithoutValues_isNaN_notZero() {
    assertThat(Drift.jensenShannon(new double[] {0, 0}, new double[] {1, 1})).isNaN();
    assertThat(Drift.wassersteinSorted(new double[] {1}, new double[] {0}, new double[] {1}, null))
        .isNaN();
  }

  @Test
  void categoryProfiles_areComparedOverTheUnionOfTheirCategories() {
    ColumnProfile base = Profiler.categories("city", Map.of("Paris", 50L, "Rome", 50L), 0);
    ColumnProfile cand =
        Profiler.categories("city", Map.of("Paris", 50L, "Rome", 40L, "Oslo", 10L), 0);
    assertThat(Drift.categoryUnion(base, cand))
        .containsExactly("Paris", "Rome", "Oslo", Drift.OTHER);
    assertThat(Drift.jensenShannon(base, cand))
        .isCloseTo(
            Drift.jensenShannon(new double[] {50, 50, 0}, new double[] {50, 40, 10}),
            within(1e-15));
  }

  @Test
  void normedWasserstein_dividesByTheReferencesStandardDeviation() {
    double[] a = new double[1000];
    double[] b = new double[1000];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
      b[i] = i + 57.7;
    }
    ColumnProfile pa = Profiler.numbers("x", a);
    ColumnProfile pb = Profiler.numbers("x", b);
    // A shift moves every quantile by the shift: W1 = 57.7; the population std of 0..999 is 288.67.
    assertThat(Drift.normedWasserstein(pa, pb)).isCloseTo(57.7 / pa.std(), within(1e-9));
    assertThat(pa.std()).isCloseTo(Math.sqrt((1000.0 * 1000 - 1) / 12), within(1e-9));
  }
}
