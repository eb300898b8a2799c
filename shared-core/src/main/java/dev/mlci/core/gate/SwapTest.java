package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The paired randomization ("swap") test a paired-bootstrap FAIL must also pass: under the
 * hypothesis that baseline and candidate are equally good models, which of the two made a given
 * example's prediction is a coin toss, so swapping the two predictions of each example with
 * probability ½ gives data as likely as the observed (Fisher's randomization test; for comparing
 * two systems' metrics on one test set, Noreen 1989, <i>Computer-Intensive Methods for Testing
 * Hypotheses</i>, and Yeh 2000, COLING, "approximate randomization").
 *
 * <p>Its level holds exactly at every sample size and whatever the tails of the errors, where the
 * percentile bootstrap's does only asymptotically (at n = 200 with t(3) errors, RMSE FAILs two
 * equal models in about 4% of builds at a nominal 2.5%). Without exchangeability (equal metric,
 * differently shaped errors) it stays asymptotically valid for the difference of a smooth metric,
 * because swapping example {@code i} negates its contribution to the linearized difference.
 *
 * <p>Several rules: Westfall and Young's (1993, <i>Resampling-Based Multiple Testing</i>, §2.6)
 * single-step min-p over the same swaps, which keeps the rules' correlation as the joint bootstrap
 * does: each statistic's swaps are turned into ranks, each swap's smallest rank over the rules is
 * its min-p, and a rule's adjusted p-value is the share of swaps (the observed data included, as
 * {@code (b + 1) / (m + 1)}, Phipson and Smyth 2010) whose min-p is at or below the rule's own.
 * Ties count as extreme, so the test errs on the side of not rejecting.
 */
final class SwapTest {
  private SwapTest() {}

  /** Salt of the swaps' generators, so they never reuse the bootstrap's numbers. */
  private static final long SWAP_SALT = 0x6A09E667F3BCC909L;

  /**
   * One statistic of a swap: {@code candidateSide[i]} / {@code baselineSide[i]} is 1 when row
   * {@code i} of {@link #concat} counts for the candidate's / the baseline's side, else 0. On the
   * data as observed the candidate side holds the candidate's rows {@code 0..n-1}.
   */
  interface Statistic {
    double apply(int[] candidateSide, int[] baselineSide);
  }

  /**
   * Both models' predictions of the same {@code n} examples in one set: the candidate's rows {@code
   * 0..n-1}, then the baseline's, so that one prepared metric can be evaluated on any mix.
   */
  static Predictions concat(Predictions candidate, Predictions baseline) {
    List<String> ids = new ArrayList<>(candidate.ids());
    ids.addAll(baseline.ids());
    if (candidate instanceof RegressionPredictions c
        && baseline instanceof RegressionPredictions b) {
      return new RegressionPredictions(
          ids, join(c.truth(), b.truth()), join(c.predicted(), b.predicted()));
    }
    ClassificationPredictions c = (ClassificationPredictions) candidate;
    ClassificationPredictions b = (ClassificationPredictions) baseline;
    int n = c.size();
    int[] truth = Arrays.copyOf(c.truth(), 2 * n);
    int[] predicted = Arrays.copyOf(c.predicted(), 2 * n);
    double[][] scores = Arrays.copyOf(c.scores(), 2 * n);
    System.arraycopy(b.truth(), 0, truth, n, n);
    System.arraycopy(b.predicted(), 0, predicted, n, n);
    System.arraycopy(b.scores(), 0, scores, n, n);
    return new ClassificationPredictions(
        ids,
        c.classes(),
        truth,
        predicted,
        scores,
        c.probabilities() && b.probabilities(),
        c.positive());
  }

  private static double[] join(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Adjusted one-sided p-values against "the candidate is worse": small when the observed
   * (oriented) statistic lies low among the swaps.
   *
   * @param observed each statistic on the data as observed (no swap)
   * @param n examples; rows {@code i} and {@code n + i} of the concatenation are example {@code i}
   * @param swaps random swaps (besides the observed data)
   */
  static double[] adjustedLowerP(
      List<Statistic> statistics, double[] observed, int n, int swaps, long seed) {
    int k = statistics.size();
    double[][] t = new double[k][swaps];
    Bootstrap.parallelChunks(
        swaps,
        (from, to) -> {
          int[] cand = new int[2 * n];
          int[] base = new int[2 * n];
          for (int f = from; f < to; f++) {
            SplittableRandom rng = Bootstrap.generator(seed ^ SWAP_SALT, f);
            for (int i = 0; i < n; i += 64) {
              long bits = rng.nextLong();
              for (int j = i; j < Math.min(n, i + 64); j++, bits >>>= 1) {
                int s = (int) (bits & 1);
                cand[j] = 1 - s;
                cand[n + j] = s;
                base[j] = s;
                base[n + j] = 1 - s;
              }
            }
            for (int r = 0; r < k; r++) {
              t[r][f] = statistics.get(r).apply(cand, base);
            }
          }
        });
    int m = swaps + 1;
    double[][] sorted = new double[k][];
    double[] obsRank = new double[k];
    for (int r = 0; r < k; r++) {
      double[] s = Arrays.copyOf(t[r], m);
      s[swaps] = observed[r];
      Arrays.sort(s); // NaN sorts last: never counted at or below a number
      sorted[r] = s;
      obsRank[r] = Double.isNaN(observed[r]) ? 1 : atOrBelow(s, observed[r]) / (double) m;
    }
    double[] minRank = new double[m];
    for (int j = 0; j < m; j++) {
      double lo = 1;
      for (int r = 0; r < k; r++) {
        double v = j == swaps ? observed[r] : t[r][j];
        if (!Double.isNaN(v)) {
          lo = Math.min(lo, atOrBelow(sorted[r], v) / (double) m);
        }
      }
      minRank[j] = lo;
    }
    Arrays.sort(minRank);
    double[] p = new double[k];
    for (int r = 0; r < k; r++) {
      p[r] = Double.isNaN(observed[r]) ? 1 : atOrBelow(minRank, obsRank[r]) / (double) m;
    }
    return p;
  }

  /** How many of sorted {@code s} are {@code <= v}. */
  private static int atOrBelow(double[] s, double v) {
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
