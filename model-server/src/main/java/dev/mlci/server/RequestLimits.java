package dev.mlci.server;

/**
 * What requests may cost in memory, derived from the heap, so that no body, whatever its shape, can
 * exhaust it. Two shares of the heap are set aside: {@value #BODY_SHARE_PERCENT}% for request
 * bodies being received or waiting (a {@link ByteBudget}, taken before a byte is stored), and
 * {@value #DECODE_SHARE_PERCENT}% for the requests being decoded and scored, at most {@code
 * MLCI_MAX_CONCURRENT} at once, each held to {@link #decodeBytes} by counting while parsing: JSON
 * tokens (Jackson's {@code StreamReadConstraints}: tokens, string and number lengths, nesting) and
 * CSV rows and fields.
 *
 * @param maxBodyBytes largest body ({@code MLCI_MAX_BODY_BYTES})
 * @param bodyBudgetBytes bytes of bodies held at once by all requests
 * @param decodeBytes what decoding one request may allocate (its JSON tree)
 * @param maxJsonTokens JSON tokens in one body, {@code decodeBytes / }{@value
 *     #BYTES_PER_JSON_TOKEN} (at least {@value #MIN_JSON_TOKENS})
 */
record RequestLimits(
    long maxBodyBytes, long bodyBudgetBytes, long decodeBytes, long maxJsonTokens) {
  static final int BODY_SHARE_PERCENT = 25;
  static final int DECODE_SHARE_PERCENT = 40;

  /**
   * Heap one JSON token may cost in Jackson's tree: twice what the worst shape measured (a body of
   * empty arrays {@code [],[],…} allocates about 32 bytes per token, RequestMemoryTest and
   * RELIABILITY.md).
   */
  static final long BYTES_PER_JSON_TOKEN = 64;

  static final long MIN_JSON_TOKENS = 10_000;

  /** Longest string in a JSON body: a category level or a column name. */
  static final int MAX_STRING_CHARS = 64 * 1024;

  /** Longest number in a JSON body: a double needs at most 25 characters. */
  static final int MAX_NUMBER_CHARS = 100;

  /** Deepest nesting in a JSON body (a V2 tensor of rank 2 nests 5 deep). */
  static final int MAX_DEPTH = 64;

  RequestLimits {
    if (maxBodyBytes < 1 || bodyBudgetBytes < maxBodyBytes || maxJsonTokens < 1) {
      throw new IllegalArgumentException(
          "inconsistent request limits: body "
              + maxBodyBytes
              + ", budget "
              + bodyBudgetBytes
              + ", tokens "
              + maxJsonTokens);
    }
  }

  /** The limits for {@code config} on a heap of {@code maxHeapBytes}. */
  static RequestLimits of(ServerConfig config, long maxHeapBytes) {
    long bodyBudget = Math.max(2 * config.maxBodyBytes(), maxHeapBytes / 100 * BODY_SHARE_PERCENT);
    long decode = maxHeapBytes / 100 * DECODE_SHARE_PERCENT / config.maxConcurrent();
    long tokens = Math.max(MIN_JSON_TOKENS, decode / BYTES_PER_JSON_TOKEN);
    return new RequestLimits(config.maxBodyBytes(), bodyBudget, decode, tokens);
  }

  /** The limits for {@code config} on this JVM's heap ({@code -Xmx}, or its RAM percentage). */
  static RequestLimits of(ServerConfig config) {
    return of(config, Runtime.getRuntime().maxMemory());
  }
}
