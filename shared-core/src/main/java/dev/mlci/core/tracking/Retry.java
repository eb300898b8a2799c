package dev.mlci.core.tracking;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard mlci tries to reach the tracking server: {@code attempts} tries per call, waiting {@code
 * firstDelay}, then twice as long each time, between them; a call that gets no answer within {@code
 * timeout} is abandoned and not retried (artifact transfers get more time, by size). The defaults
 * give up on a server that refuses connections after about 3.5 seconds and on one that does not
 * answer after 15 seconds; after either, a step does not call it again, so a tracking outage never
 * holds a build for long.
 *
 * @param attempts tries per call, at least 1
 * @param firstDelay the wait before the second try
 * @param timeout how long one try may take
 */
public record Retry(int attempts, Duration firstDelay, Duration timeout) {
  /** Four tries, 0.5 s, 1 s and 2 s apart; 15 s per try. */
  public static final Retry DEFAULT = new Retry(4, Duration.ofMillis(500), Duration.ofSeconds(15));

  public Retry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** How long a transfer of {@code bytes} may take: the timeout, a minute more, 1 s per MB. */
  Duration transferTimeout(long bytes) {
    return timeout.plusSeconds(60 + bytes / 1_000_000);
  }

  /** The wait after failed try {@code attempt} (1-based). */
  Duration delayAfter(int attempt) {
    return firstDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
  }
}
