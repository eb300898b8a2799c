package dev.mlci.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code gate} section of ml.yaml: how {@code mlci gate} finds the baseline and which rules the
 * candidate must meet.
 *
 * @param target target branch; empty means CI variables, then {@value #DEFAULT_TARGET}
 * @param onMissing what to do without a baseline; default {@link OnMissing#PASS}
 * @param inconclusive whether INCONCLUSIVE fails the build; default {@link Inconclusive#WARN}
 * @param confidence the family-wise confidence: all the gate's checks hold together at this level;
 *     default {@value #DEFAULT_CONFIDENCE}
 * @param resamples bootstrap resamples; default {@value #DEFAULT_RESAMPLES}
 * @param seed bootstrap seed; default {@value #DEFAULT_SEED}
 * @param maxCommits how far back the baseline search goes; default {@value #DEFAULT_MAX_COMMITS}
 * @param rules the rules; empty means the default rules (one primary metric per task, see {@code
 *     DefaultRules})
 * @param accept accepted regressions
 * @param changedTestSet what a comparison on mostly different test sets does; default {@link
 *     ChangedTestSet#INCONCLUSIVE}
 * @param trainingSeeds {@code gate.training_noise.seeds}: how many times the candidate is trained,
 *     with seeds derived from {@code model.seed}, so that the gate counts the variance of training
 *     itself; 1 (the default) trains once and counts test-set noise only
 */
public record GateConfig(
    Optional<String> target,
    OnMissing onMissing,
    Inconclusive inconclusive,
    double confidence,
    int resamples,
    long seed,
    int maxCommits,
    List<GateRule> rules,
    List<Acceptance> accept,
    ChangedTestSet changedTestSet,
    int trainingSeeds) {
  public static final String DEFAULT_TARGET = "main";

  /** The most seeds {@code gate.training_noise.seeds} may ask for. */
  public static final int MAX_TRAINING_SEEDS = 20;

  public static final double DEFAULT_CONFIDENCE = 0.95;
  public static final int DEFAULT_RESAMPLES = 2000;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_MAX_COMMITS = 50;

  /** Whether the candidate is trained with several seeds ({@code gate.training_noise}). */
  public boolean trainingNoise() {
    return trainingSeeds > 1;
  }

  /** This gate with {@code seeds} training seeds. */
  public GateConfig withTrainingSeeds(int seeds) {
    return new GateConfig(
        target,
        onMissing,
        inconclusive,
        confidence,
        resamples,
        seed,
        maxCommits,
        rules,
        accept,
        changedTestSet,
        seeds);
  }

  public GateConfig {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(changedTestSet, "changedTestSet");
    Objects.requireNonNull(onMissing, "onMissing");
    Objects.requireNonNull(inconclusive, "inconclusive");
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
    }
    if (resamples < 1 || maxCommits < 1) {
      throw new IllegalArgumentException("resamples and maxCommits must be positive");
    }
    if (trainingSeeds < 1 || trainingSeeds > MAX_TRAINING_SEEDS) {
      throw new IllegalArgumentException(
          "training seeds must be in [1, " + MAX_TRAINING_SEEDS + "], got " + trainingSeeds);
    }
    rules = List.copyOf(rules);
    accept = List.copyOf(accept);
  }

  /** The gate of an ml.yaml without a {@code gate} section. */
  public static GateConfig defaults() {
    return new GateConfig(
        Optional.empty(),
        OnMissing.PASS,
        Inconclusive.WARN,
        DEFAULT_CONFIDENCE,
        DEFAULT_RESAMPLES,
        DEFAULT_SEED,
        DEFAULT_MAX_COMMITS,
        List.of(),
        List.of(),
        ChangedTestSet.INCONCLUSIVE,
        1);
  }

  /** What {@code mlci gate} does when no baseline is found. */
  public enum OnMissing {
    /** Pass, with a loud "no baseline" in every report. */
    PASS,
    /** Fail the build. */
    FAIL,
    /** Train and evaluate the merge-base commit in a temporary checkout and compare with that. */
    REBUILD;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What a rule does when baseline and candidate were scored on mostly different examples (fewer
   * than half of the candidate's in common): the difference then mixes the model's change with the
   * test set's.
   */
  public enum ChangedTestSet {
    /** The rule is INCONCLUSIVE, saying how much the test sets overlap. */
    INCONCLUSIVE,
    /**
     * Compare anyway with an unpaired bootstrap (opt-in: a harder test set reads as a worse model).
     */
    UNPAIRED;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether an INCONCLUSIVE verdict fails the build. */
  public enum Inconclusive {
    WARN,
    FAIL
  }

  /**
   * An accepted regression.
   *
   * @param metric the metric
   * @param baseline the baseline commit (a prefix of at least 7 hex digits)
   * @param reason why it is acceptable
   */
  public record Acceptance(String metric, String baseline, String reason) {
    public Acceptance {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(baseline, "baseline");
      Objects.requireNonNull(reason, "reason");
    }

    /** Whether this acceptance names {@code commit}. */
    public boolean matches(String commit) {
      return commit != null && commit.startsWith(baseline);
    }
  }
}
