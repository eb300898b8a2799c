package dev.mlci.server;

/** A request the server refuses, with the HTTP status and a message saying what is wrong. */
final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  BadRequest(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
