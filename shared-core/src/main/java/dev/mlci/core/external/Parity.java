package dev.mlci.core.external;

import java.util.List;

/**
 * The parity check's outcome: the native model's scores on the training rows ({@code
 * train_predictions.csv}) against the exported ONNX model's on the same rows.
 *
 * @param rows rows compared
 * @param maxDifference largest absolute difference of a probability (classification) or value
 *     (regression)
 * @param worst the rows with the largest differences, described, worst first
 */
public record Parity(int rows, double maxDifference, List<String> worst) {
  /**
   * Largest absolute difference accepted: {@value}. The native model computes in float64, ONNX
   * converters (skl2onnx) often in float32, whose rounding over a few hundred tree leaves or a dot
   * product stays below 1e-5; a conversion error is orders of magnitude larger.
   */
  public static final double TOLERANCE = 1e-4;

  /** File the command may write into {@code MLCI_OUTPUT} for the check. */
  public static final String FILE = "train_predictions.csv";

  public Parity {
    worst = List.copyOf(worst);
  }
}
