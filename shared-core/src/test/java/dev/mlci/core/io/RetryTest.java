package dev.mlci.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one retry loop: tries, waits, and what a classifier makes final. */
class RetryTest {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final Retry retry = new Retry(4, Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void aFailureThatPassesIsRetriedWithExponentialBackoff() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    String r =
        retry.run(
            attempt -> {
              tries.incrementAndGet();
              if (attempt < 3) {
                throw new IOException("reset");
              }
              return "ok after " + attempt;
            },
            IOException.class,
            (e, attempt) -> Optional.of(retry.delayAfter(attempt)),
            waits::add);
    assertThat(r).isEqualTo("ok after 3");
    assertThat(tries).hasValue(3);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void aFinalFailureIsNotRetried_andExhaustionSaysHowManyTries() {
    assertThatThrownBy(
            () ->
                retry.run(
                    attempt -> {
                      throw new IOException("refused");
                    },
                    IOException.class,
                    (e, attempt) -> Optional.empty(),
                    waits::add))
        .isInstanceOfSatisfying(
            Retry.GaveUp.class,
            g -> {
              assertThat(g.attempts()).isEqualTo(1);
              assertThat(g.last(IOException.class)).hasMessage("refused");
            });
    assertThatThrownBy(
            () ->
                retry.run(
                    attempt -> {
                      throw new IOException("busy " + attempt);
                    },
                    IOException.class,
                    (e, attempt) -> Optional.of(Duration.ofHours(1)),
                    waits::add))
        .isInstanceOfSatisfying(
            Retry.GaveUp.class,
            g -> {
              assertThat(g.attempts()).isEqualTo(4);
              assertThat(g.last(IOException.class)).hasMessage("busy 4");
            });
    assertThat(waits).as("waits are capped at longestWait").containsOnly(Duration.ofSeconds(10));
  }

  @Test
  void otherExceptionsPassThroughUntouched() {
    assertThatThrownBy(
            () ->
                retry.run(
                    attempt -> {
                      throw new IllegalStateException("a bug");
                    },
                    IOException.class,
                    (e, attempt) -> Optional.of(Duration.ZERO),
                    waits::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a bug");
    assertThat(waits).isEmpty();
  }

  @Test
  void aPolicyIsValidated() {
    assertThatThrownBy(() -> new Retry(0, Duration.ZERO, Duration.ZERO))
        .hasMessage("attempts must be at least 1: 0");
    assertThat(new Retry(30, Duration.ofSeconds(1), Duration.ZERO).delayAfter(30))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
