package dev.mlci.core.gate;

/**
 * A confidence interval for the oriented difference {@code d = candidate - baseline} (negated for
 * metrics where lower is better, so that a positive {@code d} is always an improvement).
 *
 * @param estimate the point difference
 * @param lo lower end
 * @param hi upper end
 * @param standardError the difference's standard error (bootstrap standard deviation, or the
 *     test's)
 * @param method how the interval was computed, e.g. {@code paired-bootstrap}
 * @param pValue the test's two-sided p-value for "no difference", or NaN when the method has none
 * @param note anything the reader should know (degenerate resamples, the exact method used), or
 *     empty
 */
public record Interval(
    double estimate,
    double lo,
    double hi,
    double standardError,
    String method,
    double pValue,
    String note) {
  public Interval {
    if (lo > hi) {
      throw new IllegalArgumentException("lo " + lo + " > hi " + hi);
    }
  }

  /** A degenerate interval: the point comparison of {@code test: none}. */
  public static Interval point(double estimate) {
    return new Interval(estimate, estimate, estimate, 0.0, "none", Double.NaN, "");
  }
}
