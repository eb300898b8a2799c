package dev.mlci.server;

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

  BadRequest(int status, String message) {
    super(message.length() > MAX_MESSAGE ? cut(message, MAX_MESSAGE) : message);
    this.status = status;
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
