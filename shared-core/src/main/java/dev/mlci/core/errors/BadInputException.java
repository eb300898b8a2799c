package dev.mlci.core.errors;

import java.util.List;

/**
 * The configuration, the data or the command line is wrong; exit code {@link ExitCode#BAD_INPUT 2}.
 * The problems name the file, the line or row, the field and the fix.
 */
public class BadInputException extends MlciException {
  private static final long serialVersionUID = 1L;

  public BadInputException(List<Problem> problems) {
    super(problems);
  }

  public BadInputException(Problem problem) {
    super(List.of(problem));
  }

  /** A usage problem that has no file, such as a missing directory given on the command line. */
  public BadInputException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.BAD_INPUT;
  }
}
