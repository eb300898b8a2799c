package dev.mlci.core.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Simultaneous intervals for several statistics of the same examples from <b>one</b> bootstrap:
 * every resample draws the examples once and evaluates every statistic on that draw, so the
 * correlation between the gate's rules (accuracy, F1 and balanced accuracy move together) is kept.
 *
 * <p>The family-wise level comes from the max-statistic over percentile ranks (the simultaneous
 * percentile method of Mandel and Betensky, 2008, <i>Comput. Stat. Data Anal.</i> 52, a
 * Westfall–Young single-step adjustment): each statistic's resamples are turned into their ranks
 * {@code u = F_r(d*)}; the upper ends are the {@code 1 - γ} quantiles of each statistic, where
 * {@code γ} is chosen so that in only {@code α/2} of the resamples <i>some</i> statistic lies above
 * its upper end (the {@code 1 - α/2} quantile of {@code max_r u}); the lower ends likewise from
 * {@code min_r u}. So, over all statistics at once, P(some upper end below its truth) ≤ α/2 and
 * P(some lower end above its truth) ≤ α/2, with each statistic keeping its own (skewed) shape. With
 * one statistic the interval is exactly the percentile interval at the nominal level.
 */
public final class JointBootstrap {
  private JointBootstrap() {}

  /**
   * One statistic of a resample: {@code counts[i]} is how often example {@code i} was drawn ({@code
   * null}: the data as observed). NaN when undefined on that draw.
   */
  public interface Statistic extends ToDoubleFunction<int[]> {}

  /**
   * The resamples: {@code draws[r][b]} is statistic {@code r} on resample {@code b}; resample
   * {@code b} uses {@link Bootstrap#generator(long, int)}, as a single statistic's bootstrap does.
   */
  public static double[][] draws(List<Statistic> statistics, int n, int resamples, long seed) {
    int k = statistics.size();
    double[][] d = new double[k][resamples];
    Bootstrap.parallelChunks(
        resamples,
        (from, to) -> {
          int[] counts = new int[n];
          for (int b = from; b < to; b++) {
            Bootstrap.draw(counts, Bootstrap.generator(seed, b));
            for (int r = 0; r < k; r++) {
              d[r][b] = statistics.get(r).applyAsDouble(counts);
            }
          }
        });
    return d;
  }

  /**
   * Family-wise levels found from the resamples.
   *
   * @param lower the per-statistic quantile level of the lower ends (nominal: α/2)
   * @param upper the per-statistic quantile level of the upper ends (nominal: 1 − α/2)
   */
  public record Levels(double lower, double upper) {}

  /**
   * Simultaneous intervals.
   *
   * @param estimates each statistic on the observed data
   * @param draws {@code draws[r][b]}, as from {@link #draws}
   * @param alpha the family-wise error, two-sided (1 − confidence)
   * @param method the {@link Interval#method()} to report
   */
  public static List<Interval> intervals(
      double[] estimates, double[][] draws, double alpha, String method) {
    int k = draws.length;
    if (k != estimates.length) {
      throw new IllegalArgumentException(k + " draws for " + estimates.length + " estimates");
    }
    List<double[]> sorted = new ArrayList<>(k);
    for (double[] d : draws) {
      sorted.add(Arrays.stream(d).filter(v -> !Double.isNaN(v)).sorted().toArray());
    }
    Levels levels = levels(draws, sorted, alpha);
    List<Interval> out = new ArrayList<>(k);
    for (int r = 0; r < k; r++) {
      out.add(interval(estimates[r], draws[r], sorted.get(r), levels, alpha, k, method));
    }
    return out;
  }

  /**
   * The per-statistic quantile levels that hold the family: nominal for one statistic; else the
   * quantiles of the resamples' largest and smallest rank. Resamples where some statistic is
   * undefined are left out of the search.
   */
  static Levels levels(double[][] draws, List<double[]> sorted, double alpha) {
    int k = draws.length;
    if (k == 1) {
      return new Levels(alpha / 2, 1 - alpha / 2);
    }
    int resamples = draws[0].length;
    double[] maxRank = new double[resamples];
    double[] minRank = new double[resamples];
    int used = 0;
    for (int b = 0; b < resamples; b++) {
      double hi = 0;
      double lo = 1;
      boolean ok = true;
      for (int r = 0; r < k && ok; r++) {
        double v = draws[r][b];
        double[] s = sorted.get(r);
        if (Double.isNaN(v) || s.length < 2) {
          ok = false;
          break;
        }
        // Mid-rank in [0, 1], on the same scale as quantile()'s interpolation (h / (len - 1)).
        int below = lowerBound(s, v);
        int atOrBelow = upperBound(s, v);
        double rank = ((below + atOrBelow - 1) / 2.0) / (s.length - 1);
        hi = Math.max(hi, rank);
        lo = Math.min(lo, rank);
      }
      if (ok) {
        maxRank[used] = hi;
        minRank[used] = lo;
        used++;
      }
    }
    if (used < 2) {
      return new Levels(alpha / 2, 1 - alpha / 2);
    }
    double[] mx = Arrays.copyOf(maxRank, used);
    double[] mn = Arrays.copyOf(minRank, used);
    Arrays.sort(mx);
    Arrays.sort(mn);
    double upper = Math.max(1 - alpha / 2, Bootstrap.quantile(mx, 1 - alpha / 2));
    double lower = Math.min(alpha / 2, Bootstrap.quantile(mn, alpha / 2));
    return new Levels(lower, upper);
  }

  private static Interval interval(
      double estimate,
      double[] all,
      double[] valid,
      Levels levels,
      double alpha,
      int family,
      String method) {
    int dropped = all.length - valid.length;
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
    double lo = Bootstrap.quantile(valid, levels.lower());
    double hi = Bootstrap.quantile(valid, levels.upper());
    double mean = Arrays.stream(valid).average().orElse(0);
    double var = Arrays.stream(valid).map(v -> (v - mean) * (v - mean)).sum() / (valid.length - 1);
    List<String> notes = new ArrayList<>();
    if (family > 1) {
      notes.add(
          String.format(
              Locale.ROOT,
              "simultaneous with %d statistics from one bootstrap: each end at the %.2f%% level",
              family,
              100 * (1 - levels.lower())));
    }
    if (dropped > 0) {
      notes.add(
          dropped + " of " + all.length + " resamples dropped: the metric was undefined on them");
    }
    return new Interval(
        estimate,
        Math.min(lo, hi),
        Math.max(lo, hi),
        Math.sqrt(var),
        method,
        Double.NaN,
        String.join("; ", notes));
  }

  /** First index with {@code s[i] >= v}. */
  private static int lowerBound(double[] s, double v) {
    int lo = 0;
    int hi = s.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First index with {@code s[i] > v}. */
  private static int upperBound(double[] s, double v) {
    int lo = 0;
    int hi = s.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
