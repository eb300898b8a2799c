package dev.mlci.server;

/**
 * A request body read in full, within the limits: at most {@link RequestLimits#maxBodyBytes} bytes,
 * held under a lease of the server's {@link ByteBudget}. A step that makes the body larger (e.g.
 * decoding {@code Content-Encoding}) reserves the growth through {@link #reserve} first, so the
 * budget bounds decoded bodies too.
 */
final class RequestBody {
  private final byte[] bytes;
  private final ByteBudget.Lease lease;

  RequestBody(byte[] bytes, ByteBudget.Lease lease) {
    this.bytes = bytes;
    this.lease = lease;
  }

  /** The body as received; callers must not modify it. */
  byte[] bytes() {
    return bytes;
  }

  int length() {
    return bytes.length;
  }

  /**
   * Reserves {@code more} bytes of the budget for this request (released with the request).
   *
   * @return false when the server holds too many bodies at once to take them: answer 429
   */
  boolean reserve(long more) {
    return lease.grow(more);
  }
}
