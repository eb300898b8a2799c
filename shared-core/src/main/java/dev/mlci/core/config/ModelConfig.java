package dev.mlci.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code model} section of ml.yaml.
 *
 * @param trainer trainer name, e.g. {@code logistic}, or {@value #EXTERNAL}
 * @param params trainer parameters as given (values are {@link Long}, {@link Double}, {@link
 *     Boolean}, {@link String} or lists of them); for mlci's trainers names and types were
 *     validated against the trainer's declared parameters, for {@value #EXTERNAL} they are passed
 *     through to the command as given
 * @param seed seed of every random choice in training; default {@value #DEFAULT_SEED}
 * @param standardize whether to standardise numeric features; empty means the trainer's default
 * @param command {@value #EXTERNAL} only: the training command, as written in ml.yaml
 * @param timeout {@value #EXTERNAL} only: how long the command may run; default 30 minutes
 */
public record ModelConfig(
    String trainer,
    Map<String, Object> params,
    long seed,
    Optional<Boolean> standardize,
    Optional<String> command,
    Duration timeout) {
  public static final long DEFAULT_SEED = 42;

  /** The trainer that runs the repository's own training command. */
  public static final String EXTERNAL = "external";

  /** Default of {@code model.timeout}: 30 minutes. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  public ModelConfig {
    Objects.requireNonNull(trainer, "trainer");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    Objects.requireNonNull(standardize, "standardize");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    if (trainer.equals(EXTERNAL) != command.isPresent()) {
      throw new IllegalArgumentException(
          "a command goes with trainer 'external' only, got trainer '"
              + trainer
              + "' and command "
              + command);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** One of mlci's own trainers: no command. */
  public ModelConfig(
      String trainer, Map<String, Object> params, long seed, Optional<Boolean> standardize) {
    this(trainer, params, seed, standardize, Optional.empty(), DEFAULT_TIMEOUT);
  }

  /** Whether the repository's own command trains the model. */
  public boolean isExternal() {
    return trainer.equals(EXTERNAL);
  }
}
