package dev.mlci.core.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@code mlci verify-image}.
 *
 * @param startTimeout how long the server in the image may take to become ready (default {@link
 *     #DEFAULT_START_TIMEOUT}, 120 s) (the engine comes from the step context's environment: {@code
 *     MLCI_CONTAINER_RUNTIME}, {@code MLCI_CONTAINER_RUN_ARGS}, {@code PATH})
 */
public record VerifyImageOptions(Duration startTimeout) {

  /** How long a server may take to become ready when nothing else is said: 120 s. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

  /** The default options: {@link #DEFAULT_START_TIMEOUT}. */
  public static final VerifyImageOptions DEFAULTS = new VerifyImageOptions(DEFAULT_START_TIMEOUT);

  public VerifyImageOptions {
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
    }
  }
}
