package dev.mlci.server;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves {@code model.onnx} of mlci's own export through ONNX Runtime's Java API. The export takes
 * the raw numeric input columns (standardisation is inside the graph) as one float64 tensor [rows,
 * columns] and returns one float64 [rows, 1] per output column, in order.
 *
 * <p>Thread-safe without a pool: an ONNX Runtime session may run concurrently, each call with its
 * own tensors. One intra-op thread per call: requests already run on {@code MLCI_MAX_CONCURRENT}
 * inference threads, and a per-session thread pool spinning beside them costs CPU the HTTP side
 * needs (bench/ceiling). (Before: DJL's NDArray layer over the same runtime, a pool of DJL
 * predictors, and ONNX Runtime's default thread pool.)
 */
final class OnnxPredictor implements Predictor {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String input;
  private final int columns;

  OnnxPredictor(Path dir, FeatureSpec spec) throws IOException {
    for (ColumnSpec c : spec.columns()) {
      if (c.kind() != ColumnSpec.Kind.NUMERIC) {
        throw new IOException(
            "model.onnx takes numeric columns only, but '" + c.name() + "' is categorical");
      }
    }
    env = environment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(dir.resolve(ModelFormat.ONNX_MODEL).toString(), options);
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot load model.onnx: " + e.getMessage(), e);
    }
    if (session.getNumInputs() != 1) {
      long inputs = session.getNumInputs();
      close();
      throw new IOException(
          "model.onnx takes "
              + inputs
              + " inputs; mlci's export takes one [rows, columns] tensor. Retrain with mlci train");
    }
    input = session.getInputNames().iterator().next();
    columns = spec.columns().size();
  }

  /**
   * The process's ONNX Runtime environment. DJL's OnnxRuntime engine (on the class path for the
   * other backends' sake) creates it with its own options and fails when one already exists, so it
   * is started first, and this returns the environment it made.
   */
  private static OrtEnvironment environment() {
    if (Engine.hasEngine("OnnxRuntime")) {
      Engine.getEngine("OnnxRuntime");
    }
    return OrtEnvironment.getEnvironment();
  }

  @Override
  public double[][] predict(Batch batch) throws BadRequest {
    int rows = batch.rows();
    double[] flat = new double[rows * columns];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(batch.numeric()[r], 0, flat, r * columns, columns);
    }
    try (OnnxTensor tensor =
            OnnxTensor.createTensor(env, DoubleBuffer.wrap(flat), new long[] {rows, columns});
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      // One [rows, 1] output per column (models before 0.1 had a single [rows, k] output).
      int width = 0;
      double[][] parts = new double[result.size()][];
      for (int o = 0; o < parts.length; o++) {
        parts[o] = values(result.get(o));
        width += parts[o].length / rows;
      }
      double[][] out = new double[rows][width];
      int at = 0;
      for (double[] part : parts) {
        int w = part.length / rows;
        for (int r = 0; r < rows; r++) {
          System.arraycopy(part, r * w, out[r], at, w);
        }
        at += w;
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed to score the batch: " + e.getMessage(), e);
    }
  }

  private static double[] values(OnnxValue value) {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new IllegalStateException(
          "model.onnx returned a " + value.getType() + ", not a tensor; retrain with mlci train");
    }
    DoubleBuffer doubles = tensor.getDoubleBuffer();
    if (doubles != null) {
      double[] out = new double[doubles.remaining()];
      doubles.get(out);
      return out;
    }
    FloatBuffer floats = tensor.getFloatBuffer();
    if (floats == null) {
      throw new IllegalStateException(
          "model.onnx returned a tensor of "
              + tensor.getInfo().type
              + ", not of numbers; retrain with mlci train");
    }
    double[] out = new double[floats.remaining()];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats.get(i);
    }
    return out;
  }

  @Override
  public String backend() {
    return "onnx";
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // Closing at shutdown: nothing left to do with the error.
    }
  }
}
