package dev.mlci.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One short line per refused request, at most one a second: a client sending garbage cannot fill
 * the log or slow the server with it. The next line says how many were left out.
 */
final class QuietLog {
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private final Logger log;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  QuietLog(Logger log) {
    this.log = log;
  }

  /** Logs {@code status path: message} at INFO, cut short, unless a line went out within 1 s. */
  void refused(int status, String method, String path, String message) {
    long now = System.nanoTime();
    long due = next.get();
    if ((due != Long.MIN_VALUE && now - due < 0)
        || !next.compareAndSet(due, now + INTERVAL_NANOS)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (log.isLoggable(Level.INFO)) {
      log.info(
          status
              + " "
              + method
              + " "
              + BadRequest.cut(path)
              + ": "
              + BadRequest.cut(message)
              + (skipped > 0 ? " (" + skipped + " more refused requests not logged)" : ""));
    }
  }
}
