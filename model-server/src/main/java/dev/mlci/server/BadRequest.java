package dev.mlci.server;

/** A request the server refuses, with the HTTP status and a message saying what is wrong. */
final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;

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
    super(message);
    this.status = status;
    this.mlflowCode = mlflowCode;
  }

  /** MLflow's error code, when the thrower chose one. */
  java.util.Optional<String> mlflowCode() {
    return java.util.Optional.ofNullable(mlflowCode);
  }

  int status() {
    return status;
  }
}
