package dev.mlci.core.datagate;

import dev.mlci.core.gate.Interval;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bootstrap intervals of the drift statistics, computed from the two profiles alone (the gate has
 * no rows, only the baseline's and the candidate's profiles).
 *
 * <p><b>Resampling.</b> A quantile sketch of {@code n} values with {@code K} points stands for
 * {@code n/K} values at each point; a resample of the column gives each point a Poisson({@code
 * n/K}) weight (the Poisson bootstrap, which for large {@code n} is the multinomial resample). A
 * category of count {@code c} gets a Poisson({@code c}) count. Baseline and candidate are resampled
 * independently and the statistic recomputed on the weighted sketches. Poisson draws with a mean of
 * {@value #NORMAL_FROM} or more use the normal approximation (rounded, at least 0).
 *
 * <p><b>Interval.</b> The basic (reflected) bootstrap interval {@code [2θ̂ − q(1−a), 2θ̂ − q(a)]},
 * clipped at 0. A distance between two samples is biased upwards (two samples of the same
 * distribution are never at distance 0), and a resample's distance is biased by about as much
 * again; reflecting subtracts that bias, where the percentile interval would add it (measured in
 * VALIDATION.md: the percentile interval's false alarms at 200 rows were far above the bound).
 */
final class DriftBootstrap {
  /** From this Poisson mean on, a draw uses the normal approximation. */
  static final double NORMAL_FROM = 1000;

  /** Up to this many values a resample draws them one by one (the multinomial resample). */
  static final long MULTINOMIAL_UP_TO = 2000;

  private DriftBootstrap() {}

  /**
   * The interval of the normed Wasserstein distance between two numeric profiles, with both ends at
   * tail probability {@code tail}.
   */
  static Interval wasserstein(
      ColumnProfile base, ColumnProfile cand, double tail, int resamples, long seed) {
    double[] qa = base.quantiles();
    double[] qb = cand.quantiles();
    double scale = Drift.scale(base);
    double estimate = Drift.wassersteinSorted(qa, null, qb, null) / scale;
    double la = (double) base.count() / qa.length;
    double lb = (double) cand.count() / qb.length;
    double[] stats = new double[resamples];
    double atomSd = weightedSd(qa, null);
    parallel(
        resamples,
        (from, to) -> {
          double[] wa = new double[qa.length];
          double[] wb = new double[qb.length];
          for (int b = from; b < to; b++) {
            SplittableRandom rng = generator(seed, b);
            resample(wa, base.count(), la, rng);
            resample(wb, cand.count(), lb, rng);
            // The scale is the baseline's standard deviation, itself an estimate: resampled too.
            double ratio = atomSd > 0 ? weightedSd(qa, wa) / atomSd : 1;
            stats[b] = Drift.wassersteinSorted(qa, wa, qb, wb) / (scale * (ratio > 0 ? ratio : 1));
          }
        });
    return interval(estimate, stats, tail, "bootstrap");
  }

  /** The interval of the Jensen–Shannon distance between two category profiles. */
  static Interval jensenShannon(
      ColumnProfile base, ColumnProfile cand, double tail, int resamples, long seed) {
    List<String> union = Drift.categoryUnion(base, cand);
    double[] ca = Drift.counts(base, union);
    double[] cb = Drift.counts(cand, union);
    double estimate = Drift.jensenShannon(ca, cb);
    double[] stats = new double[resamples];
    Poisson[] pa = new Poisson[ca.length];
    Poisson[] pb = new Poisson[cb.length];
    // Resampled from the counts plus one half (Jeffreys' prior): a category one side never drew
    // could have turned up in a resample of it, so a zero count does not make the interval narrow.
    for (int k = 0; k < ca.length; k++) {
      pa[k] = Poisson.of(ca[k] + 0.5);
      pb[k] = Poisson.of(cb[k] + 0.5);
    }
    parallel(
        resamples,
        (from, to) -> {
          double[] ra = new double[ca.length];
          double[] rb = new double[cb.length];
          for (int b = from; b < to; b++) {
            SplittableRandom rng = generator(seed, b);
            for (int k = 0; k < ca.length; k++) {
              ra[k] = pa[k].draw(rng);
              rb[k] = pb[k].draw(rng);
            }
            stats[b] = Drift.jensenShannon(ra, rb);
          }
        });
    return interval(estimate, stats, tail, "bootstrap");
  }

  /** The standard deviation of atoms {@code x} under weights {@code w} (null: equal). */
  static double weightedSd(double[] x, double[] w) {
    double t = 0;
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      double wi = w == null ? 1 : w[i];
      t += wi;
      m += wi * x[i];
    }
    if (!(t > 0)) {
      return 0;
    }
    m /= t;
    double v = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - m;
      v += (w == null ? 1 : w[i]) * d * d;
    }
    return Math.sqrt(v / t);
  }

  /**
   * Weights of a resample of {@code n} values from a sketch of {@code w.length} equally weighted
   * points: {@code n} draws (the multinomial resample) up to {@value #MULTINOMIAL_UP_TO} values,
   * else a Poisson({@code mean}) weight per point.
   */
  private static void resample(double[] w, long n, double mean, SplittableRandom rng) {
    if (n > MULTINOMIAL_UP_TO) {
      poisson(w, mean, rng);
      return;
    }
    java.util.Arrays.fill(w, 0);
    for (long i = 0; i < n; i++) {
      w[rng.nextInt(w.length)]++;
    }
  }

  private static void poisson(double[] w, double mean, SplittableRandom rng) {
    Poisson p = Poisson.of(mean);
    for (int i = 0; i < w.length; i++) {
      w[i] = p.draw(rng);
    }
  }

  /**
   * Poisson draws of one mean: by inversion of its tabled distribution function (one uniform and a
   * binary search a draw) below {@value #NORMAL_FROM}, the normal approximation from there on.
   */
  static final class Poisson {
    private final double mean;
    private final double[] cdf;

    private Poisson(double mean, double[] cdf) {
      this.mean = mean;
      this.cdf = cdf;
    }

    static Poisson of(double mean) {
      if (mean <= 0 || mean >= NORMAL_FROM) {
        return new Poisson(mean, null);
      }
      int last = (int) Math.ceil(mean + 12 * Math.sqrt(mean) + 12);
      double[] cdf = new double[last + 1];
      double pk = Math.exp(-mean);
      double sum = 0;
      for (int k = 0; k <= last; k++) {
        sum += pk;
        cdf[k] = sum;
        pk *= mean / (k + 1);
      }
      cdf[last] = 1;
      return new Poisson(mean, cdf);
    }

    double draw(SplittableRandom rng) {
      if (mean <= 0) {
        return 0;
      }
      if (cdf == null) {
        return Math.max(0, Math.rint(mean + Math.sqrt(mean) * rng.nextGaussian()));
      }
      double u = rng.nextDouble();
      int lo = 0;
      int hi = cdf.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  static Interval interval(double estimate, double[] stats, double tail, String method) {
    double[] valid = Arrays.stream(stats).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (valid.length < 2 || Double.isNaN(estimate)) {
      return new Interval(
          Double.isNaN(estimate) ? 0 : estimate,
          0,
          Double.POSITIVE_INFINITY,
          Double.NaN,
          method,
          Double.NaN,
          "a side has no values to compare");
    }
    double qLo = quantile(valid, tail);
    double qHi = quantile(valid, 1 - tail);
    double lo = Math.max(0, 2 * estimate - qHi);
    double hi = Math.max(lo, 2 * estimate - qLo);
    double mean = Arrays.stream(valid).average().orElse(0);
    double var = Arrays.stream(valid).map(v -> (v - mean) * (v - mean)).sum() / (valid.length - 1);
    return new Interval(estimate, lo, hi, Math.sqrt(var), method, Double.NaN, "");
  }

  /** The {@code p}-quantile of sorted {@code x}, linear interpolation (numpy's default). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  static SplittableRandom generator(long seed, int b) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
  }

  interface Chunk {
    void run(int from, int to);
  }

  static void parallel(int resamples, Chunk chunk) {
    int chunks =
        Math.max(1, Math.min(resamples / 100, 2 * Runtime.getRuntime().availableProcessors()));
    java.util.stream.IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c ->
                chunk.run(
                    (int) ((long) resamples * c / chunks),
                    (int) ((long) resamples * (c + 1) / chunks)));
  }
}
