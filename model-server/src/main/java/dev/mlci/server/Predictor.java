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

  /**
   * Scores and labels of a batch.
   *
   * @param scores as {@link #predict} gives them
   * @param labels the model's own predicted class per row, when it has one (an exported model's
   *     label output); null for the class with the highest score
   */
  record Scored(double[][] scores, String[] labels) {}

  /** {@link #predict}, with the model's own labels where it gives them. */
  default Scored score(Batch batch) throws BadRequest {
    return new Scored(predict(batch), null);
  }

  /** {@code onnx}, {@code tribuo} or {@code pytorch}. */
  String backend();

  @Override
  void close();
}
