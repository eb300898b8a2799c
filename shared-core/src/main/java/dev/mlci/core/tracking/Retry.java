package dev.mlci.core.tracking;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard mlci tries to reach the tracking server: {@code attempts} tries per call, waiting {@code
 * firstDelay}, then twice as long each time, between them; a call that gets no answer within {@code
 * timeout} is abandoned. The defaults give up on a dead server after about 3.5 seconds, so a
 * tracking outage never holds a build for long.
 *
 * @param attempts tries per call, at least 1
 * @param firstDelay the wait before the second try
 * @param timeout how long one try may take
 */
public record Retry(int attempts, Duration firstDelay, Duration timeout) {
  /** Four tries, 0.5 s, 1 s and 2 s apart; 60 s per try (artifact uploads can be large). */
  public static final Retry DEFAULT = new Retry(4, Duration.ofMillis(500), Duration.ofSeconds(60));

  public Retry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The wait after failed try {@code attempt} (1-based). */
  Duration delayAfter(int attempt) {
    return firstDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
  }
}
