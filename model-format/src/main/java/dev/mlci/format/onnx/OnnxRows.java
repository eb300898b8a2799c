package dev.mlci.format.onnx;

/**
 * The rows an {@link OnnxGraph} scores, read cell by cell in the model's input columns ({@code
 * features.json} order), so that the engine's data rows and the server's request batches are fed
 * without copying them into another shape first.
 */
public interface OnnxRows {
  /** Number of rows. */
  int size();

  /**
   * The number in {@code column} of {@code row}: {@link Double#NaN} when missing or categorical.
   */
  double number(int row, int column);

  /** The level in {@code column} of {@code row}: {@code null} when missing or numeric. */
  String level(int row, int column);

  /** Names {@code row} in a message, e.g. {@code row 3 of data.csv (id 17)} or {@code row 3}. */
  String where(int row);
}
