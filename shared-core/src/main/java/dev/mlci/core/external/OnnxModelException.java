package dev.mlci.core.external;

/**
 * An exported model mlci cannot use as it is: the message says what is wrong, {@link #fix()} what
 * to change in the export. The caller places it (ml.yaml's {@code model.command} line in training,
 * the model directory in evaluation).
 */
public final class OnnxModelException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String fix;

  public OnnxModelException(String message, String fix) {
    super(message);
    this.fix = fix;
  }

  /** What to change, e.g. how to export probabilities. */
  public String fix() {
    return fix;
  }
}
