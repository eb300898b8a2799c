package dev.mlci.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code model} section of ml.yaml.
 *
 * @param trainer trainer name, e.g. {@code logistic}
 * @param params trainer parameters as given (values are {@link Long}, {@link Double}, {@link
 *     Boolean} or {@link String}); names and types were validated against the trainer's declared
 *     parameters
 * @param seed seed of every random choice in training; default {@value #DEFAULT_SEED}
 * @param standardize whether to standardise numeric features; empty means the trainer's default
 */
public record ModelConfig(
    String trainer, Map<String, Object> params, long seed, Optional<Boolean> standardize) {
  public static final long DEFAULT_SEED = 42;

  public ModelConfig {
    Objects.requireNonNull(trainer, "trainer");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    Objects.requireNonNull(standardize, "standardize");
  }
}
