package dev.mlci.server;

import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.onnx.OnnxGraph;
import dev.mlci.format.onnx.OnnxModelException;
import dev.mlci.format.onnx.OnnxRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves {@code model.onnx} of a model the repository's own command exported ({@code trainer:
 * external}) through ONNX Runtime's Java API, with the same {@link OnnxGraph} that {@code mlci
 * evaluate} scored its test rows with: one float tensor, or one input per column (float, double,
 * int64 or string); probabilities (tensor or ZipMap) read in {@code features.json}'s class order,
 * the model's own labels, or a regressor's values.
 *
 * <p>Thread-safe without a pool: ONNX Runtime's session may run concurrently, and each call builds
 * its own tensors.
 */
final class ExternalOnnxPredictor implements Predictor {
  private final OnnxGraph graph;
  private final boolean classification;

  ExternalOnnxPredictor(Path dir, FeatureSpec spec) throws IOException {
    try {
      // One thread per call: requests run concurrently on MLCI_MAX_CONCURRENT threads already.
      graph = OnnxGraph.load(Files.readAllBytes(dir.resolve(ModelFormat.ONNX_MODEL)), spec, 1);
    } catch (OnnxModelException e) {
      throw new IOException(e.getMessage() + " " + e.fix(), e);
    }
    classification = spec.target().isClassification();
  }

  @Override
  public double[][] predict(Batch batch) throws BadRequest {
    return score(batch).scores();
  }

  @Override
  public Scored score(Batch batch) throws BadRequest {
    OnnxGraph.Scores s;
    try {
      s = graph.score(new Rows(batch));
    } catch (OnnxModelException e) {
      if (e.onRows()) {
        // The request's values make the model fail or give NaN: the request's to change.
        throw new BadRequest(422, e.getMessage() + " " + e.fix());
      }
      throw new IllegalStateException(e.getMessage() + " " + e.fix(), e);
    }
    if (classification) {
      return new Scored(s.probabilities(), s.labels());
    }
    double[][] out = new double[batch.rows()][];
    for (int r = 0; r < out.length; r++) {
      out[r] = new double[] {s.values()[r]};
    }
    return new Scored(out, null);
  }

  /** A request's batch as {@link OnnxGraph} reads it, rows named as the other refusals do. */
  private record Rows(Batch batch) implements OnnxRows {
    @Override
    public int size() {
      return batch.rows();
    }

    @Override
    public double number(int row, int column) {
      return batch.numeric()[row][column];
    }

    @Override
    public String level(int row, int column) {
      return batch.categorical()[row][column];
    }

    @Override
    public String where(int row) {
      return "row " + row;
    }
  }

  @Override
  public String backend() {
    return "onnx";
  }

  @Override
  public void close() {
    graph.close();
  }
}
