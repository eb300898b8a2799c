package dev.mlci.core.external;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.mlci.core.data.DataRow;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

/** Builds ONNX Runtime's input tensors for a batch of rows, in the form the model takes. */
final class OnnxFeed {
  private OnnxFeed() {}

  static void feed(
      OnnxSignature signature, FeatureSpec spec, List<DataRow> batch, Map<String, OnnxTensor> feed)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int n = batch.size();
    List<ColumnSpec> columns = spec.columns();
    if (signature.tensorInput != null) {
      int f = columns.size();
      long[] shape = {n, f};
      if (signature.tensorType == OnnxJavaType.FLOAT) {
        float[] data = new float[n * f];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < f; c++) {
            data[r * f + c] = (float) batch.get(r).numeric()[c];
          }
        }
        feed.put(
            signature.tensorInput, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
      } else {
        double[] data = new double[n * f];
        for (int r = 0; r < n; r++) {
          System.arraycopy(batch.get(r).numeric(), 0, data, r * f, f);
        }
        feed.put(
            signature.tensorInput, OnnxTensor.createTensor(env, DoubleBuffer.wrap(data), shape));
      }
      return;
    }
    for (int c = 0; c < columns.size(); c++) {
      String column = columns.get(c).name();
      String name = signature.inputNames.get(column);
      TensorInfo t = signature.columnInputs.get(column);
      long[] shape = t.getShape().length == 2 ? new long[] {n, 1} : new long[] {n};
      boolean numeric = columns.get(c).kind() == ColumnSpec.Kind.NUMERIC;
      switch (t.type) {
        case FLOAT -> {
          float[] data = new float[n];
          for (int r = 0; r < n; r++) {
            data[r] = (float) number(batch.get(r), c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
        }
        case DOUBLE -> {
          double[] data = new double[n];
          for (int r = 0; r < n; r++) {
            data[r] = number(batch.get(r), c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, DoubleBuffer.wrap(data), shape));
        }
        case INT64 -> {
          long[] data = new long[n];
          for (int r = 0; r < n; r++) {
            data[r] = (long) number(batch.get(r), c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
        }
        default -> {
          String[] data = new String[n];
          for (int r = 0; r < n; r++) {
            data[r] = text(batch.get(r), c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, data, shape));
        }
      }
    }
  }

  private static double number(DataRow row, int c, boolean numeric) {
    if (numeric) {
      return row.numeric()[c];
    }
    String level = row.categorical()[c];
    try {
      return level == null ? Double.NaN : Double.parseDouble(level);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String text(DataRow row, int c, boolean numeric) {
    if (!numeric) {
      return row.categorical()[c] == null ? "" : row.categorical()[c];
    }
    double x = row.numeric()[c];
    if (Double.isNaN(x)) {
      return "";
    }
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }
}
