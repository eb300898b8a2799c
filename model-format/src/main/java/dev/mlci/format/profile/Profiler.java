package dev.mlci.format.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link ColumnProfile}s from column values. */
public final class Profiler {
  /** Points of the quantile sketch ({@value}): about 4 KB of JSON per numeric column. */
  public static final int QUANTILES = 200;

  /** Categories listed by name ({@value}); the rest are counted together as {@code other}. */
  public static final int TOP_K = 100;

  private Profiler() {}

  /**
   * The profile of a numeric column; NaN is a missing value.
   *
   * @param values the values (not changed)
   */
  public static ColumnProfile numbers(String name, double[] values) {
    double[] present = new double[values.length];
    int n = 0;
    double sum = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        present[n++] = v;
        sum += v;
      }
    }
    long missing = values.length - n;
    if (n == 0) {
      return new ColumnProfile(
          name,
          ColumnProfile.Kind.NUMBER,
          0,
          missing,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          new double[0],
          Map.of(),
          0,
          0);
    }
    double mean = sum / n;
    double squares = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = present[i];
      double d = v - mean;
      squares += d * d;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new ColumnProfile(
        name,
        ColumnProfile.Kind.NUMBER,
        n,
        missing,
        mean,
        Math.sqrt(squares / n),
        min,
        max,
        quantiles(present, n, min, max, QUANTILES),
        Map.of(),
        0,
        0);
  }

  /** Up to this many values the sketch sorts them all; above, it sorts only the bins it needs. */
  static final int SORT_UP_TO = 65_536;

  private static final int BINS = 1 << 16;

  /**
   * The same values as {@link #sketch} on the first {@code n} of {@code values} (in any order),
   * without sorting all of them: one pass counts the values in {@value #BINS} equal-width bins, a
   * second collects the values of the bins holding a needed order statistic, and only those are
   * sorted. Exact; a column whose values crowd into one bin costs one sort, as before.
   */
  static double[] quantiles(double[] values, int n, double min, double max, int k) {
    double width = max - min;
    if (n <= SORT_UP_TO || !(width > 0) || !Double.isFinite(width)) {
      double[] sorted = Arrays.copyOf(values, n);
      Arrays.sort(sorted);
      return sketch(sorted, k);
    }
    double perBin = BINS / width;
    int[] counts = new int[BINS];
    for (int i = 0; i < n; i++) {
      counts[bin(values[i], min, perBin)]++;
    }
    int[] start = new int[BINS + 1];
    for (int b = 0; b < BINS; b++) {
      start[b + 1] = start[b] + counts[b];
    }
    // The order statistics the interpolation reads, and the bins holding them.
    int[] lo = new int[k];
    double[] frac = new double[k];
    boolean[] needed = new boolean[BINS];
    for (int i = 0; i < k; i++) {
      double h = (i + 0.5) / k * (n - 1);
      lo[i] = (int) Math.floor(h);
      frac[i] = h - lo[i];
      needed[binOf(start, lo[i])] = true;
      needed[binOf(start, Math.min(lo[i] + 1, n - 1))] = true;
    }
    double[][] held = new double[BINS][];
    int[] fill = new int[BINS];
    for (int b = 0; b < BINS; b++) {
      if (needed[b]) {
        held[b] = new double[counts[b]];
      }
    }
    for (int i = 0; i < n; i++) {
      int b = bin(values[i], min, perBin);
      if (held[b] != null) {
        held[b][fill[b]++] = values[i];
      }
    }
    for (double[] h : held) {
      if (h != null) {
        Arrays.sort(h);
      }
    }
    double[] q = new double[k];
    for (int i = 0; i < k; i++) {
      double a = orderStatistic(held, start, lo[i]);
      double b = orderStatistic(held, start, Math.min(lo[i] + 1, n - 1));
      q[i] = a + frac[i] * (b - a);
    }
    for (int i = 1; i < k; i++) {
      q[i] = Math.max(q[i], q[i - 1]);
    }
    return q;
  }

  private static int bin(double v, double min, double perBin) {
    return (int) Math.min(BINS - 1, Math.max(0, (long) ((v - min) * perBin)));
  }

  /** The bin holding order statistic {@code r} (0-based). */
  private static int binOf(int[] start, int r) {
    int lo = 0;
    int hi = BINS - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (start[mid] <= r) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static double orderStatistic(double[][] held, int[] start, int r) {
    int b = binOf(start, r);
    return held[b][r - start[b]];
  }

  /**
   * The quantiles of {@code sorted} at probabilities {@code (i + 0.5) / k}: linear interpolation
   * between order statistics at position {@code p (n - 1)}, as numpy's {@code quantile}.
   */
  public static double[] sketch(double[] sorted, int k) {
    double[] q = new double[k];
    int n = sorted.length;
    for (int i = 0; i < k; i++) {
      double h = (i + 0.5) / k * (n - 1);
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, n - 1);
      q[i] = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
    // Interpolation may round a hair below its left neighbour on equal values.
    for (int i = 1; i < k; i++) {
      q[i] = Math.max(q[i], q[i - 1]);
    }
    return q;
  }

  /**
   * The profile of a categorical column from dictionary codes: {@code codes[i]} indexes {@code
   * levels}, a negative code is a missing value.
   */
  public static ColumnProfile categories(String name, int[] codes, List<String> levels) {
    long[] counts = new long[levels.size()];
    long missing = 0;
    for (int c : codes) {
      if (c < 0) {
        missing++;
      } else {
        counts[c]++;
      }
    }
    Map<String, Long> all = new LinkedHashMap<>();
    for (int l = 0; l < counts.length; l++) {
      if (counts[l] > 0) {
        all.merge(levels.get(l), counts[l], Long::sum);
      }
    }
    return categories(name, all, missing);
  }

  /** The profile of a categorical column from its counts per category. */
  public static ColumnProfile categories(String name, Map<String, Long> counts, long missing) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.removeIf(e -> e.getValue() == 0);
    entries.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> top = new LinkedHashMap<>();
    long other = 0;
    long count = 0;
    for (Map.Entry<String, Long> e : entries) {
      count += e.getValue();
      if (top.size() < TOP_K) {
        top.put(e.getKey(), e.getValue());
      } else {
        other += e.getValue();
      }
    }
    return new ColumnProfile(
        name,
        ColumnProfile.Kind.CATEGORY,
        count,
        missing,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        new double[0],
        top,
        other,
        entries.size());
  }
}
