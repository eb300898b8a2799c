package dev.mlci.core.datagate;

import dev.mlci.core.gate.Interval;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A numeric drift check: the baseline's and the candidate's profile of a column, its seed. */
  record Check(ColumnProfile base, ColumnProfile cand, long seed) {}

  /**
   * The interval of the normed Wasserstein distance between two numeric profiles, with both ends at
   * tail probability {@code tail}.
   */
  static Interval wasserstein(
      ColumnProfile base, ColumnProfile cand, double tail, int resamples, long seed) {
    return wasserstein(List.of(new Check(base, cand, seed)), tail, resamples).get(0);
  }

  /**
   * The intervals of the normed Wasserstein distances of {@code checks}, in their order.
   *
   * <p>Checks whose sketches have the same sizes on both sides (the feature columns of a split
   * without missing values) share their resamples' weights: resample {@code b} gives atom {@code k}
   * of every such column the same weight, drawn once from the first such check's seed, as a
   * bootstrap of rows gives a row the same weight in every column. Each check's interval is
   * distributed as with weights of its own (the same resampling of the same sketch); the checks'
   * intervals are correlated, which the family-wise (Bonferroni) bound allows. Drawing the weights
   * was most of the data gate's time: a multinomial resample of {@code n} values is {@code n}
   * draws, for every column and resample (bench/startup, BENCHMARKS.md).
   */
  static List<Interval> wasserstein(List<Check> checks, double tail, int resamples) {
    Interval[] out = new Interval[checks.size()];
    Map<List<Long>, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      groups
          .computeIfAbsent(
              List.of(
                  (long) c.base.quantiles().length,
                  c.base.count(),
                  (long) c.cand.quantiles().length,
                  c.cand.count()),
              k -> new ArrayList<>())
          .add(i);
    }
    for (List<Integer> members : groups.values()) {
      Check first = checks.get(members.get(0));
      Column[] columns = new Column[members.size()];
      boolean anyToResample = false;
      for (int m = 0; m < columns.length; m++) {
        columns[m] = Column.of(checks.get(members.get(m)));
        anyToResample |= !atZero(columns[m].estimate);
      }
      if (!anyToResample) {
        for (int m = 0; m < columns.length; m++) {
          out[members.get(m)] = zero();
        }
        continue;
      }
      int ka = first.base.quantiles().length;
      int kb = first.cand.quantiles().length;
      Resampler sa = Resampler.of(ka, first.base.count());
      Resampler sb = Resampler.of(kb, first.cand.count());
      double[][] stats = new double[columns.length][resamples];
      parallel(
          resamples,
          (from, to) -> {
            double[] wa = new double[ka];
            double[] wb = new double[kb];
            double[] ca = new double[ka + 1];
            double[] cb = new double[kb + 1];
            int[] counts = new int[Math.max(ka, kb)];
            for (int b = from; b < to; b++) {
              SplittableRandom rng = generator(first.seed, b);
              sa.fill(wa, counts, rng);
              sb.fill(wb, counts, rng);
              cumulate(wa, ca);
              cumulate(wb, cb);
              for (int m = 0; m < columns.length; m++) {
                if (!atZero(columns[m].estimate)) {
                  stats[m][b] = columns[m].statistic(wa, ca, cb);
                }
              }
            }
          });
      for (int m = 0; m < columns.length; m++) {
        // A column at distance 0 keeps its place in the group: the weights the others get are
        // drawn from the group's first seed, whichever columns are skipped.
        out[members.get(m)] =
            atZero(columns[m].estimate)
                ? zero()
                : interval(columns[m].estimate, stats[m], tail, "bootstrap");
      }
    }
    return List.of(out);
  }

  /** What a numeric check's resamples share: its sketches, scale and merge, worked out once. */
  private record Column(
      double[] centred,
      double[] squares,
      double atomSd,
      double scale,
      double estimate,
      Merge merge) {
    static Column of(Check c) {
      double[] qa = c.base.quantiles();
      double[] qb = c.cand.quantiles();
      double scale = Drift.scale(c.base);
      // The baseline's atoms less their mean (and squared): a resample's weighted standard
      // deviation in one pass, without the cancellation of raw second moments.
      double mean = Arrays.stream(qa).average().orElse(0);
      double[] centred = new double[qa.length];
      double[] squares = new double[qa.length];
      for (int i = 0; i < qa.length; i++) {
        centred[i] = qa[i] - mean;
        squares[i] = centred[i] * centred[i];
      }
      return new Column(
          centred,
          squares,
          weightedSd(qa, null),
          scale,
          Drift.wassersteinSorted(qa, null, qb, null) / scale,
          Merge.of(qa, qb));
    }

    /**
     * The normed distance under one resample's weights {@code wa} of the baseline's atoms, given
     * both sides' cumulative weights ({@link #cumulate}).
     */
    double statistic(double[] wa, double[] ca, double[] cb) {
      double t = ca[ca.length - 1];
      double s1 = 0;
      double s2 = 0;
      for (int i = 0; i < wa.length; i++) {
        s1 += wa[i] * centred[i];
        s2 += wa[i] * squares[i];
      }
      double m = s1 / t;
      double sd = Math.sqrt(Math.max(0, s2 / t - m * m));
      // The scale is the baseline's standard deviation, itself an estimate: resampled too.
      double ratio = atomSd > 0 ? sd / atomSd : 1;
      return merge.distance(ca, cb) / (scale * (ratio > 0 ? ratio : 1));
    }
  }

  /** {@code c[i]}: the weight of {@code w[0..i)}; {@code c[w.length]} the total. */
  static void cumulate(double[] w, double[] c) {
    double sum = 0;
    c[0] = 0;
    for (int i = 0; i < w.length; i++) {
      sum += w[i];
      c[i + 1] = sum;
    }
  }

  /** The interval of the Jensen–Shannon distance between two category profiles. */
  static Interval jensenShannon(
      ColumnProfile base, ColumnProfile cand, double tail, int resamples, long seed) {
    List<String> union = Drift.categoryUnion(base, cand);
    double[] ca = Drift.counts(base, union);
    double[] cb = Drift.counts(cand, union);
    double estimate = Drift.jensenShannon(ca, cb);
    if (atZero(estimate)) {
      return zero();
    }
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
   * Weights of a resample of {@code n} values from a sketch of {@code k} equally weighted points:
   * {@code n} draws (the multinomial resample) up to {@value #MULTINOMIAL_UP_TO} values, else a
   * Poisson({@code n / k}) weight per point. Immutable (its tables are built once per check and
   * shared by the threads); the scratch arrays are the caller's.
   */
  static final class Resampler {
    private final long n;
    private final Bounded index;
    private final Poisson poisson;

    private Resampler(long n, Bounded index, Poisson poisson) {
      this.n = n;
      this.index = index;
      this.poisson = poisson;
    }

    static Resampler of(int k, long n) {
      if (k < 1) {
        throw new IllegalArgumentException("a sketch of " + k + " points");
      }
      return n > MULTINOMIAL_UP_TO
          ? new Resampler(n, null, Poisson.of((double) n / k))
          : new Resampler(n, new Bounded(k), null);
    }

    /**
     * Fills {@code w} with one resample's weights; {@code counts} is scratch of at least {@code
     * w.length} ints. The draws are those of {@code rng.nextInt(w.length)} (or Poisson draws), one
     * after the other.
     */
    void fill(double[] w, int[] counts, SplittableRandom rng) {
      if (poisson != null) {
        for (int i = 0; i < w.length; i++) {
          w[i] = poisson.draw(rng);
        }
        return;
      }
      Arrays.fill(counts, 0, w.length, 0);
      for (long i = 0; i < n; i++) {
        counts[index.next(rng)]++;
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = counts[i];
      }
    }
  }

  /**
   * {@code rng.nextInt(bound)} of a {@link SplittableRandom}, draw for draw, with the remainder
   * taken by two multiplications instead of an integer division (Lemire, Kaser and Kurz, "Faster
   * remainder by direct computation", 2019: exact for every 32-bit dividend and divisor): the
   * division was most of the data gate's time. The algorithm around it is the JDK's ({@code
   * RandomSupport.boundedNextInt}: the high 31 bits of {@code nextInt()}, rejected and drawn again
   * when they fall in the incomplete last block); DriftBootstrapTest holds the two equal.
   */
  static final class Bounded {
    private final int bound;
    private final long magic;

    Bounded(int bound) {
      if (bound <= 0) {
        throw new IllegalArgumentException("bound " + bound + " is not positive");
      }
      this.bound = bound;
      this.magic = Long.divideUnsigned(-1L, bound) + 1;
    }

    int next(SplittableRandom rng) {
      int r = rng.nextInt();
      int m = bound - 1;
      if ((bound & m) == 0) {
        return r & m;
      }
      for (int u = r >>> 1; u + m - (r = remainder(u)) < 0; u = rng.nextInt() >>> 1) {
        // rejected: draw again
      }
      return r;
    }

    /** {@code u % bound} for {@code u >= 0}. */
    int remainder(int u) {
      long low = magic * u;
      // The high 64 bits of the unsigned 128-bit product low * bound (bound > 0).
      return (int) (Math.multiplyHigh(low, bound) + ((low >> 63) & bound));
    }
  }

  /**
   * The Wasserstein-1 distance between two weighted sketches, as {@link Drift#wassersteinSorted}
   * (the area between the two distribution functions), with the merge of the two atom lists worked
   * out once: which atoms are passed at each step and the step's width depend on the atoms alone,
   * not on a resample's weights.
   */
  static final class Merge {
    /** Per step: its width, and how many atoms of each side lie before it. */
    private final double[] width;

    private final int[] aBefore;
    private final int[] bBefore;

    private Merge(double[] width, int[] aBefore, int[] bBefore) {
      this.width = width;
      this.aBefore = aBefore;
      this.bBefore = bBefore;
    }

    /** The merge of ascending atoms {@code a} and {@code b} (the loop of wassersteinSorted). */
    static Merge of(double[] a, double[] b) {
      if (a.length == 0 || b.length == 0) {
        return new Merge(new double[0], new int[0], new int[0]);
      }
      double[] width = new double[a.length + b.length];
      int[] aBefore = new int[width.length];
      int[] bBefore = new int[width.length];
      int steps = 0;
      int i = 0;
      int j = 0;
      double x = Math.min(a[0], b[0]);
      while (i < a.length || j < b.length) {
        double next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
        if (next > x) {
          // A step of width 0 (the first) adds nothing.
          width[steps] = next - x;
          aBefore[steps] = i;
          bBefore[steps] = j;
          steps++;
        }
        x = next;
        while (i < a.length && a[i] == x) {
          i++;
        }
        while (j < b.length && b[j] == x) {
          j++;
        }
      }
      return new Merge(
          Arrays.copyOf(width, steps),
          Arrays.copyOf(aBefore, steps),
          Arrays.copyOf(bBefore, steps));
    }

    /**
     * The distance under the sides' cumulative weights {@code ca}, {@code cb} ({@link #cumulate});
     * NaN when a side weighs nothing. At each step the distribution functions are {@code Fa =
     * ca/ta} and {@code Fb = cb/tb}, and {@code |Fa − Fb| = |ca·tb − cb·ta| / (ta·tb)}: one
     * division at the end instead of one per atom.
     */
    double distance(double[] ca, double[] cb) {
      double ta = ca[ca.length - 1];
      double tb = cb[cb.length - 1];
      if (width.length == 0 || !(ta > 0) || !(tb > 0)) {
        return Double.NaN;
      }
      double area = 0;
      for (int step = 0; step < width.length; step++) {
        area += Math.abs(ca[aBefore[step]] * tb - cb[bBefore[step]] * ta) * width[step];
      }
      return area / (ta * tb);
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

  /**
   * Whether a distance is exactly 0 (the two profiles alike: the same data, as in most pull
   * requests, which change the model and not its data). Its basic interval is then {@code [0, 0]}
   * whatever the resamples: the ends are {@code max(0, 2·0 − q)} for quantiles {@code q >= 0} of
   * non-negative resampled distances. Computing them is skipped, which was most of a no-op gate's
   * critical path (bench/startup); the resamples' standard deviation is then not known.
   */
  static boolean atZero(double estimate) {
    return estimate == 0;
  }

  /** The interval of a distance of exactly 0 ({@link #atZero}), without resampling. */
  static Interval zero() {
    return new Interval(
        0,
        0,
        0,
        Double.NaN,
        "bootstrap",
        Double.NaN,
        "the two profiles are at distance 0, where the basic bootstrap interval is [0, 0] for"
            + " any resamples: none were drawn");
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
