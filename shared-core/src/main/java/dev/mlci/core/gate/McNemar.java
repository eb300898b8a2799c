package dev.mlci.core.gate;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * McNemar's test on paired correctness: of the examples where baseline and candidate disagree, does
 * the candidate win more often than chance? Only the discordant examples matter: {@code b}
 * (baseline right, candidate wrong) and {@code c} (baseline wrong, candidate right).
 *
 * <p>The p-value follows statsmodels' {@code mcnemar}: the exact two-sided binomial test when
 * {@code b + c} is below {@value #EXACT_BELOW}, else the chi-squared statistic {@code (|b - c| -
 * 1)^2 / (b + c)} with continuity correction. The interval for the accuracy difference {@code (c -
 * b) / n} is exact (Clopper-Pearson on {@code c / (b + c)}, scaled by {@code (b + c) / n}) for few
 * discordant examples, and the Wald interval for paired proportions otherwise.
 */
public final class McNemar {
  /** Below this many discordant pairs, the exact binomial test and interval are used. */
  public static final int EXACT_BELOW = 25;

  private McNemar() {}

  /**
   * The test.
   *
   * @param baselineRight per example, whether the baseline was right
   * @param candidateRight per example, whether the candidate was right (same examples, same order)
   */
  public static Interval test(
      boolean[] baselineRight, boolean[] candidateRight, double confidence) {
    int n = baselineRight.length;
    int b = 0;
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (baselineRight[i] && !candidateRight[i]) {
        b++;
      } else if (!baselineRight[i] && candidateRight[i]) {
        c++;
      }
    }
    return fromCounts(b, c, n, confidence);
  }

  /**
   * The test from the discordant counts {@code b} and {@code c} out of {@code n} paired examples.
   */
  public static Interval fromCounts(int b, int c, int n, double confidence) {
    int m = b + c;
    double estimate = (double) (c - b) / n;
    if (m == 0) {
      return new Interval(
          0, 0, 0, 0, "mcnemar-exact", 1.0, "baseline and candidate agree on every example");
    }
    double alpha = 1 - confidence;
    boolean exact = m < EXACT_BELOW;
    double p = exact ? exactPValue(b, c) : chiSquaredPValue(b, c);
    double lo;
    double hi;
    double se;
    if (exact) {
      // Clopper-Pearson interval for the share of discordant pairs the candidate wins.
      double pLo =
          c == 0 ? 0 : BetaDistribution.of(c, m - c + 1).inverseCumulativeProbability(alpha / 2);
      double pHi =
          c == m
              ? 1
              : BetaDistribution.of(c + 1, m - c).inverseCumulativeProbability(1 - alpha / 2);
      double scale = (double) m / n;
      lo = scale * (2 * pLo - 1);
      hi = scale * (2 * pHi - 1);
      se = Math.sqrt(m - (double) (c - b) * (c - b) / n) / n;
    } else {
      se = Math.sqrt(m - (double) (c - b) * (c - b) / n) / n;
      double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(1 - alpha / 2);
      lo = estimate - z * se;
      hi = estimate + z * se;
    }
    String note =
        "b=" + b + " (baseline right, candidate wrong), c=" + c + " (the reverse), n=" + n;
    return new Interval(estimate, lo, hi, se, exact ? "mcnemar-exact" : "mcnemar-chi2", p, note);
  }

  /**
   * Two-sided exact binomial p-value, {@code min(1, 2 * P(X <= min(b, c)))} with {@code X ~ Bin(b +
   * c, 1/2)}.
   */
  static double exactPValue(int b, int c) {
    int m = b + c;
    return Math.min(1.0, 2 * BinomialDistribution.of(m, 0.5).cumulativeProbability(Math.min(b, c)));
  }

  /**
   * Chi-squared p-value with continuity correction, as statsmodels' {@code mcnemar(exact=False)}.
   */
  static double chiSquaredPValue(int b, int c) {
    double statistic = Math.pow(Math.abs(b - c) - 1, 2) / (b + c);
    return ChiSquaredDistribution.of(1).survivalProbability(statistic);
  }
}
