package dev.mlci.core.errors;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A failure the user can act on. Each subclass maps to one {@link ExitCode}; faces turn it into
 * that exit code and print {@link #getMessage()}, never a stack trace.
 *
 * <p>Messages never carry credentials: the user information of any URL in them ({@code
 * registry://user:password@host}) is masked here, once for every face ({@link Secrets}).
 */
public abstract class MlciException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  protected MlciException(List<Problem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an MlciException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  protected MlciException(String message) {
    super(Secrets.redact(message));
    this.problems = List.of();
  }

  protected MlciException(String message, Throwable cause) {
    super(Secrets.redact(message), cause);
    this.problems = List.of();
  }

  /** The located problems behind this failure; empty when the message stands alone. */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * The message with every fix phrased in the terms of the face {@code suggestions} speaks for;
   * {@link #getMessage()} is this in the CLI's terms.
   */
  public String message(Suggestions suggestions) {
    if (problems.isEmpty()) {
      return getMessage();
    }
    return problems.stream()
        .map(p -> p.render(suggestions))
        .collect(Collectors.joining(System.lineSeparator()));
  }

  /** The exit code the faces report for this failure. */
  public abstract ExitCode exitCode();

  private static String render(List<Problem> problems) {
    return problems.stream()
        .map(Problem::render)
        .collect(Collectors.joining(System.lineSeparator()));
  }
}
