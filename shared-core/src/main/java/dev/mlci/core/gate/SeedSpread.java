package dev.mlci.core.gate;

/**
 * How far retraining alone moves a metric ({@code gate.training_noise}): the candidate's metric on
 * the whole of its test set for each training seed.
 *
 * @param seeds the candidate's trainings
 * @param standardDeviation the metric's sample standard deviation over them ("retraining alone
 *     moves it by ± this")
 * @param min the lowest of them
 * @param max the highest of them
 * @param baselineSeeds the baseline's trainings; 1 means its between-seed variance was taken to be
 *     the candidate's
 */
public record SeedSpread(
    int seeds, double standardDeviation, double min, double max, int baselineSeeds) {
  public SeedSpread {
    if (seeds < 2 || baselineSeeds < 1) {
      throw new IllegalArgumentException(
          "a spread needs at least 2 seeds, got " + seeds + " and " + baselineSeeds);
    }
  }

  /** The spread of {@code values}, one per candidate seed. */
  static SeedSpread of(double[] values, int baselineSeeds) {
    double mean = TwoLevelBootstrap.Side.mean(values);
    double ss = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new SeedSpread(
        values.length, Math.sqrt(ss / (values.length - 1)), min, max, baselineSeeds);
  }
}
