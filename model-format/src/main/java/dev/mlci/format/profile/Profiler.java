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
    double[] sorted = Arrays.copyOf(present, n);
    Arrays.sort(sorted);
    double mean = sum / n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = sorted[i] - mean;
      squares += d * d;
    }
    return new ColumnProfile(
        name,
        ColumnProfile.Kind.NUMBER,
        n,
        missing,
        mean,
        Math.sqrt(squares / n),
        sorted[0],
        sorted[n - 1],
        sketch(sorted, QUANTILES),
        Map.of(),
        0,
        0);
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
