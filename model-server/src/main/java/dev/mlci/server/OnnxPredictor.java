package dev.mlci.server;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Serves {@code model.onnx} through DJL's ONNX Runtime engine. mlci's export takes the raw numeric
 * input columns (standardisation is inside the graph) as one float64 tensor [rows, columns] and
 * returns one float64 [rows, 1] per output column, in order.
 *
 * <p>DJL predictors are not thread-safe, so a small pool of them serves concurrent requests.
 */
final class OnnxPredictor implements dev.mlci.server.Predictor {
  private final ZooModel<NDList, NDList> model;
  private final BlockingQueue<Predictor<NDList, NDList>> pool;
  private final int columns;

  OnnxPredictor(Path dir, FeatureSpec spec, int poolSize) throws IOException {
    for (ColumnSpec c : spec.columns()) {
      if (c.kind() != ColumnSpec.Kind.NUMERIC) {
        throw new IOException(
            "model.onnx takes numeric columns only, but '" + c.name() + "' is categorical");
      }
    }
    try {
      model =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optModelPath(dir)
              .optModelName("model")
              .optEngine("OnnxRuntime")
              .build()
              .loadModel();
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException("ONNX Runtime cannot load model.onnx: " + e.getMessage(), e);
    }
    pool = new ArrayBlockingQueue<>(poolSize);
    for (int i = 0; i < poolSize; i++) {
      pool.add(model.newPredictor());
    }
    columns = spec.columns().size();
  }

  @Override
  public double[][] predict(Batch batch) throws BadRequest {
    double[] flat = new double[batch.rows() * columns];
    for (int r = 0; r < batch.rows(); r++) {
      System.arraycopy(batch.numeric()[r], 0, flat, r * columns, columns);
    }
    Predictor<NDList, NDList> predictor;
    try {
      predictor = pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadRequest(503, "the server is shutting down");
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray input = manager.create(flat, new Shape(batch.rows(), columns));
      // One [rows, 1] output per column (models before 0.1 had a single [rows, k] output).
      NDList outputs = predictor.predict(new NDList(input));
      int width = 0;
      double[][] parts = new double[outputs.size()][];
      for (int o = 0; o < parts.length; o++) {
        parts[o] = outputs.get(o).toDoubleArray();
        width += parts[o].length / batch.rows();
      }
      double[][] out = new double[batch.rows()][width];
      int at = 0;
      for (double[] part : parts) {
        int w = part.length / batch.rows();
        for (int r = 0; r < batch.rows(); r++) {
          System.arraycopy(part, r * w, out[r], at, w);
        }
        at += w;
      }
      return out;
    } catch (TranslateException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed to score the batch: " + e.getMessage(), e);
    } finally {
      pool.add(predictor);
    }
  }

  @Override
  public String backend() {
    return "onnx";
  }

  @Override
  public void close() {
    pool.forEach(Predictor::close);
    model.close();
  }
}
