package dev.mlci.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Which received bodies are decoded and scored on the I/O thread that read them, instead of being
 * handed to an inference thread.
 *
 * <p>Handing a request over costs a context switch each way, and Undertow then ends the exchange
 * from another thread while its I/O thread spins on the connection's state (on 2 cores that was
 * most of the server's CPU at concurrency 32: BENCHMARKS.md, the HTTP ceiling). For a few rows of a
 * fast model that costs more than the scoring. But an I/O thread serves many connections, so a slow
 * model scored there would hold all of them up. So a body goes inline only when it is small (at
 * most {@link #MAX_BODY_BYTES}), not compressed, and the recent small requests of this model took
 * at most {@link #BUDGET_NANOS} to decode and score: an exponentially weighted mean over both
 * paths, so a model that turns slow (a bigger model, a loaded machine) goes back to the inference
 * threads, and one that turns fast again comes back. Until the first small request has been timed,
 * nothing goes inline.
 */
final class InlineScoring {
  /** Bodies up to this size may be scored on the I/O thread (about 20 rows of 30 numbers). */
  static final int MAX_BODY_BYTES = 16 * 1024;

  /** The recent mean decode-and-score time under which small bodies are scored inline. */
  static final long BUDGET_NANOS = 1_000_000;

  private static final long UNKNOWN = -1;

  private final AtomicLong recentNanos = new AtomicLong(UNKNOWN);

  /** Whether a body of {@code bytes}, compressed or not, is to be scored on the I/O thread. */
  boolean inline(int bytes, boolean compressed) {
    if (!small(bytes, compressed)) {
      return false;
    }
    long recent = recentNanos.get();
    return recent != UNKNOWN && recent <= BUDGET_NANOS;
  }

  /** Records how long a body took to decode and score, on whichever thread it ran. */
  void observed(int bytes, boolean compressed, long nanos) {
    if (small(bytes, compressed)) {
      long x = Math.max(0, nanos);
      recentNanos.accumulateAndGet(x, (old, v) -> old == UNKNOWN ? v : old + (v - old) / 8);
    }
  }

  private static boolean small(int bytes, boolean compressed) {
    return !compressed && bytes <= MAX_BODY_BYTES;
  }
}
