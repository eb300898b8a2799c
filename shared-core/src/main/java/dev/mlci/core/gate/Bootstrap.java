package dev.mlci.core.gate;

import dev.mlci.core.eval.MetricFunction;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Bootstrap intervals for the difference of a metric between two sets of predictions.
 *
 * <p><b>Paired</b>: baseline and candidate were scored on the same examples (aligned by index);
 * each resample draws {@code n} example indices with replacement and evaluates both models on the
 * same draw, so the noise both share (which examples are easy) cancels out of the difference.
 * <b>Unpaired</b>: the test sets differ, each side is resampled on its own.
 *
 * <p>The interval is the percentile interval of the resampled differences (quantiles with linear
 * interpolation, numpy's default). Resample {@code b} draws from its own generator seeded by {@code
 * (seed, b)}, so results do not depend on how resamples are spread over threads. Resamples on which
 * the metric is undefined (ROC AUC of a draw holding one class) are dropped and counted.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * The paired bootstrap interval.
   *
   * @param baseline the metric on the baseline's predictions
   * @param candidate the metric on the candidate's predictions of the same {@code n} examples, in
   *     the same order
   * @param higherIsBetter orientation of the difference
   */
  public static Interval paired(
      MetricFunction baseline,
      MetricFunction candidate,
      int n,
      boolean higherIsBetter,
      double confidence,
      int resamples,
      long seed) {
    double sign = higherIsBetter ? 1 : -1;
    double estimate = sign * (candidate.value(null) - baseline.value(null));
    double[] d = new double[resamples];
    parallelChunks(
        resamples,
        (from, to) -> {
          int[] counts = new int[n];
          for (int b = from; b < to; b++) {
            draw(counts, generator(seed, b));
            d[b] = sign * (candidate.value(counts) - baseline.value(counts));
          }
        });
    return interval(estimate, d, confidence, "paired-bootstrap");
  }

  /**
   * The unpaired bootstrap interval: baseline and candidate resampled independently from their own
   * test sets.
   */
  public static Interval unpaired(
      MetricFunction baseline,
      int baselineSize,
      MetricFunction candidate,
      int candidateSize,
      boolean higherIsBetter,
      double confidence,
      int resamples,
      long seed) {
    double sign = higherIsBetter ? 1 : -1;
    double estimate = sign * (candidate.value(null) - baseline.value(null));
    double[] d = new double[resamples];
    parallelChunks(
        resamples,
        (from, to) -> {
          int[] base = new int[baselineSize];
          int[] cand = new int[candidateSize];
          for (int b = from; b < to; b++) {
            SplittableRandom rng = generator(seed, b);
            draw(base, rng);
            draw(cand, rng);
            d[b] = sign * (candidate.value(cand) - baseline.value(base));
          }
        });
    return interval(estimate, d, confidence, "unpaired-bootstrap");
  }

  /**
   * One resample: {@code counts[i]} becomes how often example {@code i} is drawn in {@code
   * counts.length} draws.
   */
  static void draw(int[] counts, SplittableRandom rng) {
    Arrays.fill(counts, 0);
    int n = counts.length;
    // Two uniform indices per 64-bit draw, by Lemire's multiply-and-shift with rejection
    // (unbiased).
    long threshold = (1L << 32) % n;
    int i = 0;
    while (i < n) {
      long bits = rng.nextLong();
      for (int half = 0; half < 2 && i < n; half++, bits >>>= 32) {
        long m = (bits & 0xFFFFFFFFL) * n;
        if ((m & 0xFFFFFFFFL) >= threshold) {
          counts[(int) (m >>> 32)]++;
          i++;
        }
      }
    }
  }

  /**
   * The generator of resample {@code b}: independent of every other resample's and of thread
   * scheduling.
   */
  static SplittableRandom generator(long seed, int b) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
  }

  interface Chunk {
    void run(int from, int to);
  }

  static void parallelChunks(int resamples, Chunk chunk) {
    int chunks =
        Math.max(1, Math.min(resamples / 50, 4 * Runtime.getRuntime().availableProcessors()));
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c ->
                chunk.run(
                    (int) ((long) resamples * c / chunks),
                    (int) ((long) resamples * (c + 1) / chunks)));
  }

  private static Interval interval(
      double estimate, double[] deltas, double confidence, String method) {
    double[] valid = Arrays.stream(deltas).filter(v -> !Double.isNaN(v)).sorted().toArray();
    int dropped = deltas.length - valid.length;
    if (valid.length < 2 || Double.isNaN(estimate)) {
      return new Interval(
          Double.isNaN(estimate) ? 0 : estimate,
          Double.NEGATIVE_INFINITY,
          Double.POSITIVE_INFINITY,
          Double.NaN,
          method,
          Double.NaN,
          "the metric is undefined on "
              + (Double.isNaN(estimate) ? "the data" : "almost every resample"));
    }
    double alpha = 1 - confidence;
    double lo = quantile(valid, alpha / 2);
    double hi = quantile(valid, 1 - alpha / 2);
    double mean = Arrays.stream(valid).average().orElse(0);
    double var = Arrays.stream(valid).map(v -> (v - mean) * (v - mean)).sum() / (valid.length - 1);
    String note =
        dropped == 0
            ? ""
            : dropped
                + " of "
                + deltas.length
                + " resamples dropped: the metric was undefined on them";
    return new Interval(
        estimate, Math.min(lo, hi), Math.max(lo, hi), Math.sqrt(var), method, Double.NaN, note);
  }

  /**
   * The {@code p}-quantile of sorted {@code x}, interpolating linearly between order statistics.
   */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
