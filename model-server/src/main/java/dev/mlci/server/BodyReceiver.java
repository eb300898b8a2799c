package dev.mlci.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * Reads request bodies on the I/O thread, without blocking and without a worker: a slow client
 * costs a connection and the bytes it sent, never a thread that inference needs. Each body is held
 * to the limits while it arrives: at most {@link RequestLimits#maxBodyBytes} (413), within the
 * server's {@link ByteBudget} (429 when the server holds too many bodies at once), and complete
 * within {@link ServerConfig#requestTimeout} of the request's start (408, then the connection is
 * closed) — bytes trickling in do not extend that deadline.
 */
final class BodyReceiver {
  /** Where a complete body goes; called on the I/O thread, so it should dispatch. */
  interface Next {
    void handle(HttpServerExchange ex, RequestBody body, long startNanos);
  }

  /** Sends a refusal in the endpoint's error shape (and logs it). */
  interface Refusal {
    void send(HttpServerExchange ex, int status, String message);
  }

  /** Bodies declared at most this many times the limit are read and dropped to answer 413. */
  static final int DISCARD_FACTOR = 16;

  /**
   * How long a chunked body over the limit is still read and dropped before the 413 is sent and the
   * connection closed (see {@link #receive}).
   */
  static final Duration LINGER = Duration.ofSeconds(2);

  private final RequestLimits limits;
  private final ByteBudget budget;
  private final Duration timeout;

  BodyReceiver(RequestLimits limits, ByteBudget budget, Duration timeout) {
    this.limits = limits;
    this.budget = budget;
    this.timeout = timeout;
  }

  /** Receives the body of {@code ex}, then passes it to {@code next}, or refuses it. */
  void receive(HttpServerExchange ex, Refusal refuse, Next next) {
    long start = System.nanoTime();
    long declared = ex.getRequestContentLength();
    long max = limits.maxBodyBytes();
    if (declared > max) {
      String message =
          "the body is " + declared + " bytes; the limit is " + max + " (MLCI_MAX_BODY_BYTES)";
      if (declared <= DISCARD_FACTOR * max) {
        // Read and drop the rest, so a client still sending gets the answer (closing at once
        // would reset the connection and lose it).
        discard(ex, refuse, 413, message, start);
      } else {
        ex.setPersistent(false);
        refuse.send(ex, 413, message);
      }
      return;
    }
    ByteBudget.Lease lease = budget.lease();
    ex.addExchangeCompleteListener(
        (done, proceed) -> {
          lease.close();
          proceed.proceed();
        });
    if (declared > 0 && !lease.grow(declared)) {
      lease.close();
      ex.setPersistent(false);
      busy(ex, refuse);
      return;
    }
    // A body of unknown length (chunked) is gathered here; one of declared length by Undertow.
    State state = declared >= 0 ? new State(0, 0) : new State(-1, max);
    if (declared >= 0) {
      // A declared length within the limit, already reserved: Undertow reads exactly that many
      // bytes into one array.
      ex.getRequestReceiver()
          .receiveFullBytes(
              (exchange, bytes) -> {
                if (!state.done) {
                  state.finish();
                  next.handle(exchange, new RequestBody(bytes, lease), start);
                }
              },
              (exchange, e) -> {
                state.finish();
                lease.close();
                exchange.setPersistent(false);
                exchange.endExchange();
              });
      // A body that had arrived with its headers was handled just now, on this I/O thread; only
      // one still arriving needs the deadline (its callbacks run on this thread, after this).
      if (!state.done) {
        state.timer = deadline(ex, state, lease, refuse, start);
      }
      return;
    }
    state.timer = deadline(ex, state, lease, refuse, start);
    ex.getRequestReceiver()
        .receivePartialBytes(
            (exchange, chunk, last) -> {
              if (state.done) {
                return;
              }
              if (state.draining) {
                state.dropped += chunk.length;
                if (last || state.dropped > DISCARD_FACTOR * max) {
                  state.finish();
                  refuse.send(exchange, 413, tooLarge(max));
                }
                return;
              }
              if (state.size() + chunk.length > max) {
                lease.close();
                exchange.setPersistent(false);
                if (last) {
                  state.finish();
                  refuse.send(exchange, 413, tooLarge(max));
                  return;
                }
                // A lingering close: a client still sending would, were the connection closed
                // now, have it reset under the unread bytes, and the reset discards the answer
                // before the client reads it. Read and drop the rest (at most DISCARD_FACTOR
                // times the limit, for at most LINGER), then answer and close.
                state.drain(chunk.length);
                state.timer.remove();
                state.timer =
                    exchange
                        .getIoThread()
                        .executeAfter(
                            () -> {
                              if (!state.done) {
                                state.finish();
                                refuse.send(exchange, 413, tooLarge(max));
                              }
                            },
                            LINGER.toMillis(),
                            TimeUnit.MILLISECONDS);
                return;
              }
              if (declared < 0 && !lease.grow(chunk.length)) {
                state.finish();
                lease.close();
                exchange.setPersistent(false);
                busy(exchange, refuse);
                return;
              }
              state.append(chunk);
              if (last) {
                state.finish();
                next.handle(exchange, new RequestBody(state.bytes(), lease), start);
              }
            },
            (exchange, e) -> {
              // The client went away or the connection broke: nobody to answer.
              state.finish();
              lease.close();
              exchange.setPersistent(false);
              exchange.endExchange();
            });
  }

  private static String tooLarge(long max) {
    return "the body exceeds the limit of " + max + " bytes";
  }

  private void discard(
      HttpServerExchange ex, Refusal refuse, int status, String message, long start) {
    State state = new State(0, 0);
    state.timer = deadline(ex, state, null, refuse, start);
    ex.getRequestReceiver()
        .receivePartialBytes(
            (exchange, chunk, last) -> {
              if (last && !state.done) {
                state.finish();
                refuse.send(exchange, status, message);
              }
            },
            (exchange, e) -> {
              state.finish();
              exchange.setPersistent(false);
              exchange.endExchange();
            });
  }

  private XnioExecutor.Key deadline(
      HttpServerExchange ex, State state, ByteBudget.Lease lease, Refusal refuse, long start) {
    long left = timeout.toNanos() - (System.nanoTime() - start);
    return ex.getIoThread()
        .executeAfter(
            () -> {
              if (state.done) {
                return;
              }
              state.finish();
              if (lease != null) {
                lease.close();
              }
              ex.setPersistent(false);
              refuse.send(
                  ex,
                  408,
                  "the body did not arrive within "
                      + timeout.toSeconds()
                      + " s (MLCI_REQUEST_TIMEOUT_SECONDS); send it at once, or raise the"
                      + " timeout");
            },
            Math.max(0, left),
            TimeUnit.NANOSECONDS);
  }

  /**
   * 429 with {@code Retry-After}: the server holds as many bytes of bodies as its heap allows. A
   * 4xx, not a 503: the server is healthy, the client should slow down (readiness turns 503 while
   * it lasts).
   */
  private void busy(HttpServerExchange ex, Refusal refuse) {
    ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
    refuse.send(
        ex,
        429,
        "the server holds "
            + budget.used()
            + " bytes of request bodies, as many as its heap allows ("
            + budget.capacity()
            + "); retry shortly, or send smaller requests");
  }

  /**
   * One body being received; touched only on its connection's I/O thread. A chunked body is
   * gathered into an array that grows by doubling, up to the limit.
   */
  private static final class State {
    private final int cap;
    private byte[] buffer;
    private int size;
    private boolean done;
    private boolean draining;
    private long dropped;
    private XnioExecutor.Key timer;

    State(long declared, long cap) {
      this.cap = (int) cap;
      buffer = new byte[declared >= 0 ? (int) declared : (int) Math.min(8192, cap)];
      // declared 0: only the deadline's bookkeeping, no bytes
    }

    int size() {
      return size;
    }

    void append(byte[] chunk) {
      if (size + chunk.length > buffer.length) {
        buffer =
            Arrays.copyOf(buffer, Math.max(size + chunk.length, Math.min(cap, 2 * buffer.length)));
      }
      System.arraycopy(chunk, 0, buffer, size, chunk.length);
      size += chunk.length;
    }

    /** From now on the body's bytes are counted and dropped; {@code first} of them so far. */
    void drain(long first) {
      draining = true;
      dropped = size + first;
      buffer = new byte[0];
      size = 0;
    }

    byte[] bytes() {
      return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    void finish() {
      done = true;
      if (timer != null) {
        timer.remove();
      }
    }
  }
}
