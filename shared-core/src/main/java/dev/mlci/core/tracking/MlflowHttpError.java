package dev.mlci.core.tracking;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * An answer of the tracking server other than 2xx: its status, its body (MLflow's {@code
 * {"error_code": ..., "message": ...}} or whatever a proxy in front of it sent) and the wait it
 * asked for ({@code Retry-After}, in seconds), if any.
 */
final class MlflowHttpError extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String body;
  private final transient Optional<Duration> retryAfter;

  MlflowHttpError(int status, String what, String body, Optional<Duration> retryAfter) {
    super("HTTP " + status + " (" + what + ")");
    this.status = status;
    this.body = body == null ? "" : body;
    this.retryAfter = retryAfter;
  }

  MlflowHttpError(int status, String what, String body) {
    this(status, what, body, Optional.empty());
  }

  int status() {
    return status;
  }

  String body() {
    return body;
  }

  Optional<Duration> retryAfter() {
    return retryAfter;
  }

  /** MLflow's {@code error_code}, e.g. {@code RESOURCE_ALREADY_EXISTS}, or "" when none. */
  String errorCode() {
    return MlflowMessages.errorCode(body);
  }

  /**
   * Whether the failure may pass, as MLflow's own Python client judges it: 429 ({@code
   * REQUEST_LIMIT_EXCEEDED}), 5xx ({@code INTERNAL_ERROR}, {@code TEMPORARILY_UNAVAILABLE}, a
   * gateway's 502 and 504) except 501 (the endpoint does not exist: it never will), and any answer
   * whose {@code error_code} says so.
   */
  boolean transientFailure() {
    String code = errorCode();
    if (code.equals("TEMPORARILY_UNAVAILABLE") || code.equals("REQUEST_LIMIT_EXCEEDED")) {
      return true;
    }
    return status == 429 || (status >= 500 && status != 501);
  }
}
