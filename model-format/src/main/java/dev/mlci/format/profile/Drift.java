package dev.mlci.format.profile;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The drift statistics of the data gate and of the serving monitor, one implementation for both:
 * the Wasserstein-1 distance between two distributions of numbers (normed by the reference's
 * standard deviation, as Evidently does) and the Jensen–Shannon distance between two distributions
 * of categories (natural logarithm, as scipy's {@code jensenshannon}; 0 for equal, at most {@code
 * sqrt(ln 2)} ≈ 0.833 for disjoint). Both are effect sizes: they do not grow with the number of
 * rows, unlike a test's p-value.
 */
public final class Drift {
  private Drift() {}

  /**
   * The Wasserstein-1 distance between the empirical distributions of {@code u} and {@code v}, each
   * value of equal weight: the area between the two cumulative distribution functions, as scipy's
   * {@code wasserstein_distance(u, v)}.
   */
  public static double wasserstein(double[] u, double[] v) {
    double[] a = u.clone();
    double[] b = v.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    return wassersteinSorted(a, null, b, null);
  }

  /**
   * The Wasserstein-1 distance between two weighted discrete distributions on ascending atoms
   * {@code a} and {@code b}; null weights are equal weights. Weights need not sum to 1 (each side
   * is normalised); a side of weight 0 gives NaN.
   */
  public static double wassersteinSorted(double[] a, double[] wa, double[] b, double[] wb) {
    double ta = total(wa, a.length);
    double tb = total(wb, b.length);
    if (!(ta > 0) || !(tb > 0)) {
      return Double.NaN;
    }
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double area = 0;
    double x = Math.min(a[0], b[0]);
    while (i < a.length || j < b.length) {
      double next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
      area += Math.abs(fa - fb) * (next - x);
      x = next;
      while (i < a.length && a[i] == x) {
        fa += (wa == null ? 1 : wa[i]) / ta;
        i++;
      }
      while (j < b.length && b[j] == x) {
        fb += (wb == null ? 1 : wb[j]) / tb;
        j++;
      }
    }
    return area;
  }

  private static double total(double[] w, int n) {
    if (w == null) {
      return n;
    }
    double t = 0;
    for (double x : w) {
      t += x;
    }
    return t;
  }

  /**
   * The normed Wasserstein distance of two quantile sketches of equal length: their Wasserstein
   * distance divided by the reference's standard deviation ({@code 1} when it is 0, so a constant
   * column is measured in its own units).
   */
  public static double normedWasserstein(ColumnProfile reference, ColumnProfile current) {
    return normedWasserstein(reference, current.quantiles(), null);
  }

  /**
   * The normed Wasserstein distance between {@code reference}'s quantile sketch and a weighted
   * distribution on ascending {@code atoms} (null weights: equal): what the serving monitor
   * measures, its rows summed per bin between the reference's quantiles (each bin's weight at the
   * mean of its values), with the same code as the data gate's.
   */
  public static double normedWasserstein(
      ColumnProfile reference, double[] atoms, double[] weights) {
    if (atoms.length == 0 || reference.quantiles().length == 0) {
      return Double.NaN;
    }
    double d = wassersteinSorted(reference.quantiles(), null, atoms, weights);
    return d / scale(reference);
  }

  /**
   * What a Wasserstein distance of {@code reference} is divided by: its standard deviation, or 1.
   */
  public static double scale(ColumnProfile reference) {
    return reference.std() > 0 ? reference.std() : 1;
  }

  /**
   * The Jensen–Shannon distance between two count vectors over the same categories (each normalised
   * to a distribution), natural logarithm: {@code sqrt((KL(p‖m) + KL(q‖m)) / 2)}, {@code m = (p +
   * q) / 2}, as scipy's {@code jensenshannon(p, q)}. NaN when a side has no count.
   */
  public static double jensenShannon(double[] p, double[] q) {
    if (p.length != q.length) {
      throw new IllegalArgumentException(
          "the count vectors cover " + p.length + " and " + q.length + " categories");
    }
    double sp = 0;
    double sq = 0;
    for (int k = 0; k < p.length; k++) {
      sp += p[k];
      sq += q[k];
    }
    if (!(sp > 0) || !(sq > 0)) {
      return Double.NaN;
    }
    double js = 0;
    for (int k = 0; k < p.length; k++) {
      double a = p[k] / sp;
      double b = q[k] / sq;
      double m = (a + b) / 2;
      if (a > 0) {
        js += a * Math.log(a / m);
      }
      if (b > 0) {
        js += b * Math.log(b / m);
      }
    }
    return Math.sqrt(Math.max(0, js / 2));
  }

  /**
   * The categories two category profiles are compared on: the reference's listed ones, then the
   * current's new ones, then {@value #OTHER} for what either folded into {@code other}.
   */
  public static List<String> categoryUnion(ColumnProfile reference, ColumnProfile current) {
    Set<String> names = new LinkedHashSet<>(reference.categories().keySet());
    names.addAll(current.categories().keySet());
    names.remove(OTHER);
    names.add(OTHER);
    return List.copyOf(names);
  }

  /** The pseudo-category of the values beyond the listed ones. */
  public static final String OTHER = "\u0000other";

  /** The counts of {@code profile} over {@code categories} (from {@link #categoryUnion}). */
  public static double[] counts(ColumnProfile profile, List<String> categories) {
    double[] c = new double[categories.size()];
    Map<String, Long> listed = profile.categories();
    for (int k = 0; k < c.length; k++) {
      String name = categories.get(k);
      c[k] = name.equals(OTHER) ? profile.other() : listed.getOrDefault(name, 0L);
    }
    return c;
  }

  /** The Jensen–Shannon distance of two category profiles (over {@link #categoryUnion}). */
  public static double jensenShannon(ColumnProfile reference, ColumnProfile current) {
    List<String> union = categoryUnion(reference, current);
    return jensenShannon(counts(reference, union), counts(current, union));
  }
}
