package dev.mlci.server;

/** Scores rows with a loaded model; thread-safe. */
interface Predictor extends AutoCloseable {
  /**
   * Scores {@code batch}.
   *
   * @return per row, one number per class (probabilities or scores, in the model's class order), or
   *     one value
   */
  double[][] predict(Batch batch) throws BadRequest;

  /** {@code onnx}, {@code tribuo} or {@code pytorch}. */
  String backend();

  @Override
  void close();
}
