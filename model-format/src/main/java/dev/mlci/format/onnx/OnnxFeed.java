package dev.mlci.format.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
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

  /** Puts the tensors of rows {@code from} to {@code from + n - 1} of {@code rows} into feed. */
  static void feed(
      OnnxSignature signature,
      FeatureSpec spec,
      OnnxRows rows,
      int from,
      int n,
      Map<String, OnnxTensor> feed)
      throws OrtException {
    OrtEnvironment env = OnnxGraph.environment();
    List<ColumnSpec> columns = spec.columns();
    if (signature.tensorInput != null) {
      int f = columns.size();
      long[] shape = {n, f};
      if (signature.tensorType == OnnxJavaType.FLOAT) {
        float[] data = new float[n * f];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < f; c++) {
            data[r * f + c] = (float) rows.number(from + r, c);
          }
        }
        feed.put(
            signature.tensorInput, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
      } else {
        double[] data = new double[n * f];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < f; c++) {
            data[r * f + c] = rows.number(from + r, c);
          }
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
            data[r] = (float) number(rows, from + r, c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
        }
        case DOUBLE -> {
          double[] data = new double[n];
          for (int r = 0; r < n; r++) {
            data[r] = number(rows, from + r, c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, DoubleBuffer.wrap(data), shape));
        }
        case INT64 -> {
          long[] data = new long[n];
          for (int r = 0; r < n; r++) {
            data[r] = (long) number(rows, from + r, c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
        }
        default -> {
          String[] data = new String[n];
          for (int r = 0; r < n; r++) {
            data[r] = text(rows, from + r, c, numeric);
          }
          feed.put(name, OnnxTensor.createTensor(env, data, shape));
        }
      }
    }
  }

  /** A numeric input's value: the number, or a categorical column's level read as one. */
  static double number(OnnxRows rows, int row, int c, boolean numeric) {
    if (numeric) {
      return rows.number(row, c);
    }
    String level = rows.level(row, c);
    try {
      return level == null ? Double.NaN : Double.parseDouble(level);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * A string input's value: the level ({@code ""} when missing), or a numeric column's number as
   * the CSV would spell it (an integer without {@code .0}).
   */
  static String text(OnnxRows rows, int row, int c, boolean numeric) {
    if (!numeric) {
      String level = rows.level(row, c);
      return level == null ? "" : level;
    }
    double x = rows.number(row, c);
    if (Double.isNaN(x)) {
      return "";
    }
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }
}
