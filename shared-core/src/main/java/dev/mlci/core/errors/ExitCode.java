package dev.mlci.core.errors;

/**
 * The exit codes every mlci face reports. They are part of the public contract: CI scripts branch
 * on them.
 *
 * <ul>
 *   <li>{@link #SUCCESS} 0: the command did what was asked.
 *   <li>{@link #GATE_FAILED} 1: the gate found a regression, or verify-image a broken contract
 *       (reserved for those verdicts: no other failure may ever exit 1).
 *   <li>{@link #BAD_INPUT} 2: usage, configuration or data error; the message says what to fix.
 *   <li>{@link #INTERNAL_ERROR} 3: a bug or an environment failure, such as running out of memory
 *       ({@link OutOfMemory}) or a git remote that is no git server.
 * </ul>
 */
public enum ExitCode {
  SUCCESS(0),
  GATE_FAILED(1),
  BAD_INPUT(2),
  INTERNAL_ERROR(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }
}
