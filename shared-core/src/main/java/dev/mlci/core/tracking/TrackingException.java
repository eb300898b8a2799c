package dev.mlci.core.tracking;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * The tracking server could not do what was asked, after retries where retrying made sense. The
 * message says what failed, at which server, and what to check; it never contains credentials.
 */
public final class TrackingException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrackingException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the server understood and refused the request (4xx other than 429), e.g. a model or
   * alias that does not exist: retrying cannot help, the request must change.
   */
  public boolean refused() {
    return getCause() instanceof MlflowHttpError h
        && h.status() >= 400
        && h.status() < 500
        && !h.transientFailure();
  }

  /**
   * Whether the server could not be reached at all: no connection, an unknown host, or no answer
   * within the timeout. Otherwise it answered, and the message carries its answer.
   */
  public boolean unreachable() {
    for (Throwable c = getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException
          || c instanceof UnknownHostException
          || c instanceof NoRouteToHostException
          || c instanceof HttpConnectTimeoutException
          || c instanceof TimeoutException
          || c instanceof MlflowHttp.NoAnswer) {
        return true;
      }
    }
    return false;
  }
}
