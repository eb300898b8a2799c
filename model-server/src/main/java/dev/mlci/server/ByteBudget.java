package dev.mlci.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies the server holds at once, across all requests: a request reserves its
 * bytes as they arrive (or its declared length up front) and gives them back when its answer is
 * sent. A body that does not fit is refused with 429 instead of growing the heap; a later step that
 * enlarges a body (decompression) reserves from the same lease.
 */
final class ByteBudget {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  ByteBudget(long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a byte budget must be positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  long capacity() {
    return capacity;
  }

  long used() {
    return used.get();
  }

  /** A new, empty reservation. */
  Lease lease() {
    return new Lease();
  }

  private boolean tryReserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > capacity) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** One request's share of the budget; {@link #close} gives it back (once). */
  final class Lease implements AutoCloseable {
    private final AtomicLong held = new AtomicLong();
    private volatile boolean closed;

    private Lease() {}

    /**
     * Reserves {@code bytes} more for this request.
     *
     * @return false when the budget cannot hold them (nothing is reserved then)
     */
    boolean grow(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cannot reserve " + bytes + " bytes");
      }
      if (closed || !tryReserve(bytes)) {
        return false;
      }
      held.addAndGet(bytes);
      if (closed) { // closed meanwhile: give back what was just taken
        used.addAndGet(-held.getAndSet(0));
        return false;
      }
      return true;
    }

    long held() {
      return held.get();
    }

    @Override
    public void close() {
      closed = true;
      used.addAndGet(-held.getAndSet(0));
    }
  }
}
