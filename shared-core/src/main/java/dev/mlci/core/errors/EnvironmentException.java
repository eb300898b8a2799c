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

  /** {@code lead} followed by {@code fix}, phrased per face ({@link #message(Suggestions)}). */
  public EnvironmentException(String lead, Fix fix, Throwable cause) {
    super(lead, fix, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.INTERNAL_ERROR;
  }
}
