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

  /** For a message without problems: the text before {@link #fix}, and the fix phrased per face. */
  private final String lead;

  private final transient Fix fix;

  protected MlciException(List<Problem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an MlciException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
    this.lead = "";
    this.fix = Fix.NONE;
  }

  protected MlciException(String message) {
    this(message, Fix.NONE, null);
  }

  protected MlciException(String message, Throwable cause) {
    this(message, Fix.NONE, cause);
  }

  /**
   * A message that ends in what to do, {@code lead} followed by {@code fix} phrased per face:
   * {@link #getMessage()} is it in the CLI's terms, {@link #message(Suggestions)} in a face's.
   */
  protected MlciException(String lead, Fix fix, Throwable cause) {
    super(Secrets.redact(lead + fix.render(Suggestions.CLI)), cause);
    this.problems = List.of();
    this.lead = lead;
    this.fix = fix;
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
      return fix == null || fix.isEmpty()
          ? getMessage()
          : Secrets.redact(lead + fix.render(suggestions));
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
