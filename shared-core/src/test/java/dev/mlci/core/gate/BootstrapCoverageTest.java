package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.MetricFunction;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Statistical validity: over many simulated paired data sets with a known true difference, the 95%
 * paired bootstrap interval covers the truth about 95% of the time (accepted: 93% to 97%). Seeded,
 * so the figure is the same on every run; a broken resampler (unpaired draws, wrong quantiles,
 * wrong orientation) moves it far outside the band.
 */
class BootstrapCoverageTest {
  static final int DATASETS = 1000;
  static final int EXAMPLES = 200;
  static final int RESAMPLES = 1000;

  @Test
  void pairedBootstrap_accuracyDifference_covers95PercentOfTheTime() {
    // Each example: a latent difficulty shared by both models (so their errors correlate), then
    // each model is right
    // with its own probability. True accuracy: baseline 0.80, candidate 0.83, so the true
    // difference is 0.03.
    double pBase = 0.80;
    double pCand = 0.83;
    double truth = pCand - pBase;
    SplittableRandom rng = new SplittableRandom(20261127);
    long covered =
        IntStream.range(0, DATASETS)
            .filter(
                k -> {
                  SplittableRandom data = rng.split();
                  boolean[] base = new boolean[EXAMPLES];
                  boolean[] cand = new boolean[EXAMPLES];
                  for (int i = 0; i < EXAMPLES; i++) {
                    double u = data.nextDouble();
                    // Shared difficulty: the same u decides both, plus independent flips for 30% of
                    // examples.
                    boolean independent = data.nextDouble() < 0.3;
                    double v = independent ? data.nextDouble() : u;
                    base[i] = u < pBase;
                    cand[i] = v < pCand;
                  }
                  Interval ci =
                      Bootstrap.paired(
                          MetricFunction.of(Metric.ACCURACY, predictions(base)),
                          MetricFunction.of(Metric.ACCURACY, predictions(cand)),
                          EXAMPLES,
                          true,
                          0.95,
                          RESAMPLES,
                          k);
                  return ci.lo() <= truth && truth <= ci.hi();
                })
            .count();

    double coverage = (double) covered / DATASETS;
    assertThat(coverage)
        .as("coverage of the 95%% interval over %d data sets", DATASETS)
        .isBetween(0.93, 0.97);
  }

  @Test
  void pairedBootstrap_isNarrowerThanUnpaired_whenErrorsCorrelate() {
    SplittableRandom rng = new SplittableRandom(1);
    boolean[] base = new boolean[500];
    boolean[] cand = new boolean[500];
    for (int i = 0; i < 500; i++) {
      double u = rng.nextDouble();
      base[i] = u < 0.8;
      cand[i] = u < 0.81;
    }
    var b = MetricFunction.of(Metric.ACCURACY, predictions(base));
    var c = MetricFunction.of(Metric.ACCURACY, predictions(cand));

    Interval paired = Bootstrap.paired(b, c, 500, true, 0.95, 1000, 3);
    Interval unpaired = Bootstrap.unpaired(b, 500, c, 500, true, 0.95, 1000, 3);

    assertThat(paired.hi() - paired.lo()).isLessThan((unpaired.hi() - unpaired.lo()) / 3);
  }

  @Test
  void bootstrap_isDeterministicForASeed() {
    boolean[] base = {true, false, true, true, false, true, true, true};
    boolean[] cand = {true, true, true, false, false, true, true, true};
    var b = MetricFunction.of(Metric.ACCURACY, predictions(base));
    var c = MetricFunction.of(Metric.ACCURACY, predictions(cand));

    assertThat(Bootstrap.paired(b, c, 8, true, 0.95, 500, 9))
        .isEqualTo(Bootstrap.paired(b, c, 8, true, 0.95, 500, 9));
  }

  @Test
  void draw_givesEveryExampleTheSameChance() {
    // 7 examples (not a power of two, so the rejection step matters), 200,000 resamples of 7 draws
    // each.
    long[] totals = new long[7];
    int[] counts = new int[7];
    for (int b = 0; b < 200_000; b++) {
      Bootstrap.draw(counts, Bootstrap.generator(5, b));
      int sum = 0;
      for (int i = 0; i < 7; i++) {
        totals[i] += counts[i];
        sum += counts[i];
      }
      assertThat(sum).isEqualTo(7);
    }
    double expected = 200_000.0;
    double chi2 = 0;
    for (long t : totals) {
      chi2 += (t - expected) * (t - expected) / expected;
    }
    // 6 degrees of freedom: P(chi2 > 22.46) = 0.001.
    assertThat(chi2).isLessThan(22.46);
  }

  @Test
  void quantile_interpolatesLikeNumpy() {
    double[] x = {1, 2, 3, 4};
    // numpy.quantile([1, 2, 3, 4], [0.025, 0.5, 0.975]) == [1.075, 2.5, 3.925]
    assertThat(Bootstrap.quantile(x, 0.025))
        .isEqualTo(1.075, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Bootstrap.quantile(x, 0.5)).isEqualTo(2.5);
    assertThat(Bootstrap.quantile(x, 0.975))
        .isEqualTo(3.925, org.assertj.core.data.Offset.offset(1e-12));
  }

  /**
   * Predictions whose correctness is {@code right}: truth class 1 for all, predicted 1 when right.
   */
  static ClassificationPredictions predictions(boolean[] right) {
    int n = right.length;
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = i % 2;
      predicted[i] = right[i] ? truth[i] : 1 - truth[i];
      scores[i] = predicted[i] == 1 ? new double[] {0.2, 0.8} : new double[] {0.8, 0.2};
    }
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "e" + i).toList();
    return new ClassificationPredictions(ids, List.of("a", "b"), truth, predicted, scores, true, 1);
  }
}
