package dev.mlci.core.gate;

import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.eval.Predictions;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The joint bootstrap with training noise ({@code gate.training_noise}): every resample draws the
 * test examples (exactly as {@link JointBootstrap#draws} does, from the same generator) and, from a
 * generator of its own, the training seeds: {@code k} of the candidate's {@code k} replicates with
 * replacement, and likewise of the baseline's. Every statistic of the gate is evaluated on the same
 * draw of examples <i>and</i> seeds, so the simultaneous intervals of {@link
 * JointBootstrap#intervals} keep their family-wise level with the between-seed variance folded in.
 *
 * <p>Seeds and examples are crossed (every replicate is scored on every example), so the draw is
 * the two-way "pigeonhole" bootstrap (Owen 2007, <i>Ann. Appl. Stat.</i> 1), which errs on the side
 * of a wider interval. A mean over {@code k} resampled seeds has only {@code (k − 1)/k} of the
 * variance of a mean over {@code k} new seeds, which matters at k = 3; the resampled seed effect is
 * therefore scaled by {@code √(k/(k − 1))}, the usual correction of resampled residuals (Davison
 * and Hinkley 1997, §3.3), so its variance is the unbiased {@code s²/k}.
 *
 * <p>Few seeds measure the seed variance poorly (k = 3 gives it 2 degrees of freedom), and a
 * bootstrap treats the measured spread as the truth: the interval would be too short, as a normal
 * interval is where Student's t belongs. The resampled seed effects are therefore widened by {@code
 * t_df(1 − α/2) / z(1 − α/2)}, {@code df} the seed variance's degrees of freedom ({@code k − 1} per
 * side whose replicates are measured), the factor by which a t-interval is wider than a normal one
 * (2.19 at df = 2, 1.42 at df = 4, 1.15 at df = 9); the test-set part keeps its bootstrap shape.
 *
 * <p>A baseline of one training (a note or file recorded without training noise) carries its seed's
 * luck but no measure of it. Its between-seed variance is taken to be the candidate's: one seed
 * effect, resampled from the candidate's replicates and scaled by {@code √(k/(k − 1))}, is added to
 * the baseline's metric on every resample. Under the hypothesis the gate guards against a false
 * FAIL (the candidate is as good as the baseline, e.g. a change of {@code model.seed} only) the two
 * configs train alike, so their spreads are the same; leaving the baseline's seed effect out would
 * count only {@code 1/k} of the seed variance of the difference ({@code σ²/k} of {@code σ²(1 +
 * 1/k)}).
 */
final class TwoLevelBootstrap {
  private TwoLevelBootstrap() {}

  /** Salt of the seed draws' generator, so they never reuse the example draws' numbers. */
  private static final long SEED_SALT = 0x2545F4914F6CDD1DL;

  /**
   * The replicates resample {@code b} uses: indices into the candidate's and the baseline's
   * replicates, and one candidate replicate whose seed effect stands in for a baseline of one
   * training.
   */
  record SeedDraw(int[] candidate, int[] baseline, int borrowed) {}

  /** A statistic of the examples' counts ({@code null}: as observed) and the seeds' draw. */
  interface Statistic {
    double apply(int[] counts, SeedDraw seeds);
  }

  /** {@code draws[r][b]}: statistic {@code r} on resample {@code b}. */
  static double[][] draws(
      List<Statistic> statistics,
      int n,
      int candidateSeeds,
      int baselineSeeds,
      int resamples,
      long seed) {
    int k = statistics.size();
    double[][] d = new double[k][resamples];
    Bootstrap.parallelChunks(
        resamples,
        (from, to) -> {
          int[] counts = new int[n];
          for (int b = from; b < to; b++) {
            Bootstrap.draw(counts, Bootstrap.generator(seed, b));
            SplittableRandom rng = Bootstrap.generator(seed ^ SEED_SALT, b);
            int[] cand = new int[candidateSeeds];
            for (int j = 0; j < cand.length; j++) {
              cand[j] = rng.nextInt(candidateSeeds);
            }
            int[] base = new int[baselineSeeds];
            for (int j = 0; j < base.length; j++) {
              base[j] = rng.nextInt(baselineSeeds);
            }
            SeedDraw seeds = new SeedDraw(cand, base, rng.nextInt(candidateSeeds));
            for (int r = 0; r < k; r++) {
              d[r][b] = statistics.get(r).apply(counts, seeds);
            }
          }
        });
    return d;
  }

  /** One side's metric over its replicates (element 0 is the side's own training). */
  static final class Side {
    private final MetricFunction[] replicates;
    private final double inflate;

    Side(List<MetricFunction> replicates) {
      this.replicates = replicates.toArray(MetricFunction[]::new);
      int k = this.replicates.length;
      this.inflate = k > 1 ? Math.sqrt(k / (k - 1.0)) : 0;
    }

    static Side of(dev.mlci.core.config.Metric metric, List<Predictions> predictions) {
      return new Side(predictions.stream().map(p -> MetricFunction.of(metric, p)).toList());
    }

    int size() {
      return replicates.length;
    }

    /** Each replicate's metric on {@code counts}. */
    double[] values(int[] counts) {
      double[] v = new double[replicates.length];
      for (int j = 0; j < v.length; j++) {
        v[j] = replicates[j].value(counts);
      }
      return v;
    }

    static double mean(double[] v) {
      double s = 0;
      for (double x : v) {
        s += x;
      }
      return s / v.length;
    }

    /**
     * The mean over the replicates, moved by the drawn seeds' effect, scaled by {@code widen} and
     * the small-sample correction; {@code drawn == null}: the plain mean.
     */
    double resampled(double[] v, int[] drawn, double widen) {
      double all = mean(v);
      if (drawn == null || v.length == 1) {
        return all;
      }
      double s = 0;
      for (int j : drawn) {
        s += v[j];
      }
      return all + widen * inflate * (s / drawn.length - all);
    }

    /** One replicate's scaled seed effect, standing in for another side's missing replicates. */
    double borrowed(double[] v, int j, double widen) {
      return v.length == 1 ? 0 : widen * inflate * (v[j] - mean(v));
    }
  }

  /**
   * How much wider a t-interval with {@code df} degrees of freedom is than a normal one at
   * two-sided level {@code alpha}; 1 without seeds.
   */
  static double widen(int df, double alpha) {
    if (df < 1) {
      return 1;
    }
    double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(1 - alpha / 2);
    return TDistribution.of(df).inverseCumulativeProbability(1 - alpha / 2) / z;
  }

  /**
   * {@code sign · (candidate − baseline)} with both sides' seed noise: the baseline's own
   * replicates when it has some, else the candidate's between-seed spread stands in for it.
   */
  static Statistic difference(Side candidate, Side baseline, double sign, double alpha) {
    int df = candidate.size() - 1 + Math.max(0, baseline.size() - 1);
    double widen = widen(df, alpha);
    return (counts, seeds) -> {
      double[] cv = candidate.values(counts);
      double c = candidate.resampled(cv, seeds == null ? null : seeds.candidate(), widen);
      double[] bv = baseline.values(counts);
      double b;
      if (baseline.size() > 1) {
        b = baseline.resampled(bv, seeds == null ? null : seeds.baseline(), widen);
      } else {
        b = bv[0] + (seeds == null ? 0 : candidate.borrowed(cv, seeds.borrowed(), widen));
      }
      return sign * (c - b);
    };
  }

  /** {@code sign ·} the candidate's mean metric, with its seed noise. */
  static Statistic value(Side candidate, double sign, double alpha) {
    double widen = widen(candidate.size() - 1, alpha);
    return (counts, seeds) ->
        sign
            * candidate.resampled(
                candidate.values(counts), seeds == null ? null : seeds.candidate(), widen);
  }
}
