package dev.mlci.core.io;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How hard mlci tries a call that may fail for a while: {@code attempts} tries, waiting {@code
 * firstDelay}, then twice as long each time, between them (or what the other side asks for, e.g.
 * {@code Retry-After}, up to {@code longestWait}); one try that gets no answer within {@code
 * timeout} is abandoned. The one retry loop of mlci: the MLflow tracking server, the GitHub API and
 * pushing git notes all run through {@link #run}, each with its own {@link Classifier} saying which
 * failures may pass.
 *
 * <p>The defaults give up on a tracking server that refuses connections after about 3.5 seconds and
 * on one that does not answer after 15 seconds; after either, a step does not call it again, so a
 * tracking outage never holds a build for long.
 *
 * @param attempts tries per call, at least 1
 * @param firstDelay the wait before the second try
 * @param timeout how long one try may take
 * @param longestWait the longest wait between two tries, whatever the other side asks for
 */
public record Retry(int attempts, Duration firstDelay, Duration timeout, Duration longestWait) {
  /** Four tries, 0.5 s, 1 s and 2 s apart (at most 10 s when the server asks); 15 s per try. */
  public static final Retry DEFAULT = new Retry(4, Duration.ofMillis(500), Duration.ofSeconds(15));

  public Retry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(longestWait, "longestWait");
    if (firstDelay.isNegative() || timeout.isNegative() || longestWait.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }

  /** A policy that waits at most 10 s between tries. */
  public Retry(int attempts, Duration firstDelay, Duration timeout) {
    this(attempts, firstDelay, timeout, Duration.ofSeconds(10));
  }

  /** One try of a call; {@code attempt} counts from 1, so a try can tell a retry from the first. */
  @FunctionalInterface
  public interface Attempt<T, E extends Exception> {
    T call(int attempt) throws E, InterruptedException;
  }

  /** Which failures may pass, and how long to wait before the next try. */
  @FunctionalInterface
  public interface Classifier<E extends Exception> {
    /**
     * The wait before trying again after {@code failure} of try {@code attempt}, or empty when it
     * is final (retrying cannot help, or could do harm).
     */
    Optional<Duration> again(E failure, int attempt);
  }

  /** Waits between tries; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }

  /** The last failure of a call that was given up on (its cause), and how many tries it took. */
  public static final class GaveUp extends Exception {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    GaveUp(Exception last, int attempts) {
      super(last.getMessage(), last, false, false);
      this.attempts = attempts;
    }

    /** The failure of the last try, of the type {@link #run} was given. */
    public <E extends Exception> E last(Class<E> type) {
      return type.cast(getCause());
    }

    /** Tries made, the first included. */
    public int attempts() {
      return attempts;
    }
  }

  /**
   * Runs {@code attempt} until it succeeds, its failure is final, or {@link #attempts} tries have
   * failed.
   *
   * @throws GaveUp with the last failure
   * @throws InterruptedException when interrupted, also while waiting
   */
  public <T, E extends Exception> T run(
      Attempt<T, E> attempt, Class<E> failures, Classifier<E> classifier, Sleeper sleeper)
      throws GaveUp, InterruptedException {
    for (int n = 1; ; n++) {
      E failure;
      try {
        return attempt.call(n);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (!failures.isInstance(e)) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        failure = failures.cast(e);
      }
      Optional<Duration> wait = classifier.again(failure, n);
      if (wait.isEmpty() || n >= attempts) {
        throw new GaveUp(failure, n);
      }
      sleeper.sleep(capped(wait.get()));
    }
  }

  /**
   * The exponential backoff after failed try {@code attempt} (1-based): {@code firstDelay·2ⁿ⁻¹}.
   */
  public Duration delayAfter(int attempt) {
    return capped(firstDelay.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 20)));
  }

  /** {@code wait}, or {@link #longestWait} when longer. */
  public Duration capped(Duration wait) {
    return wait.compareTo(longestWait) > 0 ? longestWait : wait.isNegative() ? Duration.ZERO : wait;
  }
}
