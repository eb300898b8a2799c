package dev.mlci.server;

import java.util.Optional;

/**
 * A request the server refuses, with the HTTP status (4xx, or 503 when the server is too busy) and
 * a message saying what is wrong. Messages are cut to {@value #MAX_MESSAGE} characters, and values
 * quoted from the request to {@value #MAX_ECHO} (see {@link #cut}): a 9 MB value never comes back
 * as a 9 MB answer.
 */
final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;
  static final int MAX_ECHO = 120;
  static final int MAX_MESSAGE = 2000;

  private final int status;
  private final String mlflowCode;

  BadRequest(int status, String message) {
    this(status, message, null);
  }

  /**
   * A refusal with MLflow's error code for {@code /invocations} ({@code MALFORMED_REQUEST}, {@code
   * BAD_REQUEST}, {@code INVALID_PARAMETER_VALUE}); without one, {@link MlflowCodec#errorCode}
   * picks it from the status.
   */
  BadRequest(int status, String message, String mlflowCode) {
    super(message.length() > MAX_MESSAGE ? cut(message, MAX_MESSAGE) : message);
    this.status = status;
    this.mlflowCode = mlflowCode;
  }

  /** MLflow's error code, when the thrower chose one. */
  Optional<String> mlflowCode() {
    return Optional.ofNullable(mlflowCode);
  }

  int status() {
    return status;
  }

  /** {@code text} whole up to {@value #MAX_ECHO} characters, else its start and its length. */
  static String cut(String text) {
    return cut(text, MAX_ECHO);
  }

  /** A value from the request, cut to {@value #MAX_ECHO} characters, as text. */
  static String cut(Object value) {
    return cut(String.valueOf(value), MAX_ECHO);
  }

  private static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "… (" + text.length() + " characters)";
  }
}
