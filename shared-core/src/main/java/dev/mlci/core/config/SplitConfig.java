package dev.mlci.core.config;

import java.util.Objects;

/**
 * How a single data file is split.
 *
 * @param testFraction fraction of rows in the test set, in (0, 1); default {@value
 *     #DEFAULT_TEST_FRACTION}
 * @param seed seed of the split; default {@value #DEFAULT_SEED}
 * @param strategy default {@link SplitStrategy#HASH}
 */
public record SplitConfig(double testFraction, long seed, SplitStrategy strategy) {
  public static final double DEFAULT_TEST_FRACTION = 0.2;
  public static final long DEFAULT_SEED = 42;

  public SplitConfig {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
    }
    Objects.requireNonNull(strategy, "strategy");
  }

  /** The defaults: 20% test, seed 42, hash split. */
  public static SplitConfig defaults() {
    return new SplitConfig(DEFAULT_TEST_FRACTION, DEFAULT_SEED, SplitStrategy.HASH);
  }
}
