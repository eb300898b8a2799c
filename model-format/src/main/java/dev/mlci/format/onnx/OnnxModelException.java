package dev.mlci.format.onnx;

/**
 * An ONNX model mlci cannot use as it is, or rows it cannot score: the message says what is wrong,
 * {@link #fix()} what to change in the export. The caller places it (ml.yaml's {@code
 * model.command} line in training, the model directory in evaluation, the request in serving).
 */
public final class OnnxModelException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String fix;
  private final boolean rows;

  /** A fault of the model itself. */
  public OnnxModelException(String message, String fix) {
    this(message, fix, false);
  }

  /**
   * @param rows whether the fault shows on particular rows (non-finite outputs, ONNX Runtime
   *     failing on their values) rather than in the model's signature or classes
   */
  OnnxModelException(String message, String fix, boolean rows) {
    super(message);
    this.fix = fix;
    this.rows = rows;
  }

  /** What to change, e.g. how to export probabilities. */
  public String fix() {
    return fix;
  }

  /**
   * Whether the fault shows on particular rows (the model outputs NaN for them, or ONNX Runtime
   * fails on their values): a server answers such a request with a 4xx naming the row.
   */
  public boolean onRows() {
    return rows;
  }
}
