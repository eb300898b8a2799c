package dev.mlci.core.errors;

/**
 * The environment failed in a way the user's input does not explain: a disk that is full, a
 * directory we may not write, a native library that does not load. Exit code {@link
 * ExitCode#INTERNAL_ERROR 3}; the message says what failed and where.
 */
public class EnvironmentException extends MlciException {
  private static final long serialVersionUID = 1L;

  public EnvironmentException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code message}, then {@code advice} (what to do, e.g. "retry {}." with a step), phrased in the
   * terms of each face.
   */
  public EnvironmentException(String message, Fix advice, Throwable cause) {
    super(message, advice, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.INTERNAL_ERROR;
  }
}
