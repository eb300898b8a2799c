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

  /** What to do, after a message that stands alone; {@link Fix#NONE} when it says it all. */
  private final transient Fix advice;

  private final transient String bare;

  protected MlciException(List<Problem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an MlciException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
    this.advice = Fix.NONE;
    this.bare = "";
  }

  protected MlciException(String message) {
    this(message, Fix.NONE, null);
  }

  protected MlciException(String message, Throwable cause) {
    this(message, Fix.NONE, cause);
  }

  /**
   * A message that stands alone, followed by what to do ({@code advice}), phrased per face by
   * {@link #message(Suggestions)}; {@link #getMessage()} has it in the CLI's terms.
   */
  protected MlciException(String message, Fix advice, Throwable cause) {
    super(Secrets.redact(join(message, advice, Suggestions.CLI)), cause);
    this.problems = List.of();
    this.advice = advice;
    this.bare = message;
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
      return advice.isEmpty() ? getMessage() : Secrets.redact(join(bare, advice, suggestions));
    }
    return problems.stream()
        .map(p -> p.render(suggestions))
        .collect(Collectors.joining(System.lineSeparator()));
  }

  /** The exit code the faces report for this failure. */
  public abstract ExitCode exitCode();

  private static String join(String message, Fix advice, Suggestions suggestions) {
    return advice.isEmpty() ? message : message + " " + advice.render(suggestions);
  }

  private static String render(List<Problem> problems) {
    return problems.stream()
        .map(Problem::render)
        .collect(Collectors.joining(System.lineSeparator()));
  }
}
