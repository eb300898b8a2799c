package dev.mlci.format.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decodes ONNX Runtime's outputs into mlci's scores, refusing non-finite numbers, rows that are not
 * probabilities, and classes or class orders that differ from {@code MLCI_CLASSES}.
 */
final class OnnxOutputs {
  private OnnxOutputs() {}

  /**
   * Reads a regressor's values of the {@code n} rows of {@code rows} from {@code from} into {@code
   * values} from {@code from}.
   */
  static void regress(
      OnnxSignature signature,
      OrtSession.Result result,
      OnnxRows rows,
      int from,
      int n,
      double[] values)
      throws OrtException, OnnxModelException {
    OnnxValue v = result.get(signature.valueOutput).orElseThrow();
    double[] got = flat(v, n, signature.valueOutput);
    for (int i = 0; i < got.length; i++) {
      if (!Double.isFinite(got[i])) {
        throw nonFinite(rows.where(from + i), signature.valueOutput, got[i]);
      }
      values[from + i] = got[i];
    }
  }

  static void classify(
      OnnxSignature signature,
      OrtSession.Result result,
      OnnxRows rows,
      int from,
      int n,
      List<String> classes,
      double[][] probabilities,
      String[] labels)
      throws OrtException, OnnxModelException {
    String[] got = null;
    if (signature.labelOutput != null) {
      Object raw = result.get(signature.labelOutput).orElseThrow().getValue();
      got = new String[n];
      for (int i = 0; i < n; i++) {
        got[i] = labelAt(raw, i);
      }
    }
    OnnxValue p = result.get(signature.probabilityOutput).orElseThrow();
    // Read out of the native result once per batch: each getValue() copies all of it.
    List<? extends OnnxValue> maps = signature.zipMap ? ((OnnxSequence) p).getValue() : null;
    double[][] all = signature.zipMap ? null : matrix(p, n, signature.probabilityOutput);
    for (int i = 0; i < n; i++) {
      double[] row = new double[classes.size()];
      if (signature.zipMap) {
        OnnxMap map = (OnnxMap) maps.get(i);
        Map<String, Double> byClass = new HashMap<>();
        for (Map.Entry<?, ?> e : map.getValue().entrySet()) {
          byClass.put(String.valueOf(e.getKey()), ((Number) e.getValue()).doubleValue());
        }
        if (!byClass.keySet().equals(Set.copyOf(classes))) {
          throw classesDiffer(new TreeSet<>(byClass.keySet()).toString(), classes);
        }
        for (int c = 0; c < classes.size(); c++) {
          row[c] = byClass.get(classes.get(c));
        }
      } else {
        if (all[i].length != classes.size()) {
          throw new OnnxModelException(
              "model.onnx output '"
                  + signature.probabilityOutput
                  + "' has "
                  + all[i].length
                  + " probabilities per row, but MLCI_CLASSES has "
                  + classes.size()
                  + " classes "
                  + classes
                  + ".",
              "train on MLCI_TRAIN_DATA's target with its classes (mlci's training rows contain"
                  + " them all).");
        }
        row = all[i];
      }
      double sum = 0;
      for (double x : row) {
        if (!Double.isFinite(x)) {
          throw nonFinite(rows.where(from + i), signature.probabilityOutput, x);
        }
        sum += x;
      }
      if (Math.abs(sum - 1) > OnnxGraph.SUM_TOLERANCE) {
        throw new OnnxModelException(
            "model.onnx output '"
                + signature.probabilityOutput
                + "' is not probabilities: they sum to "
                + sum
                + " for "
                + rows.where(from + i)
                + ".",
            OnnxSignature.HOW_TO_PROBABILITIES);
      }
      probabilities[from + i] = row;
      if (got != null) {
        if (!classes.contains(got[i])) {
          throw classesDiffer("a label '" + got[i] + "' (" + rows.where(from + i) + ")", classes);
        }
        labels[from + i] = got[i];
        if (!signature.zipMap && !isArgmax(row, classes.indexOf(got[i]))) {
          throw new OnnxModelException(
              "model.onnx labels "
                  + rows.where(from + i)
                  + " '"
                  + got[i]
                  + "', but its probabilities "
                  + Arrays.toString(row)
                  + " read in MLCI_CLASSES order "
                  + classes
                  + " favour another class: the model orders its classes differently.",
              "train with the classes in MLCI_CLASSES order (e.g. fit on the target as a string"
                  + " column), or export the ZipMap (skl2onnx's default), whose keys name the"
                  + " classes.");
        }
      }
    }
  }

  private static boolean isArgmax(double[] row, int c) {
    for (double x : row) {
      if (x > row[c] + 1e-6) {
        return false;
      }
    }
    return true;
  }

  private static String labelAt(Object raw, int i) {
    Object v = raw;
    if (v instanceof long[][] l) {
      return Long.toString(l[i][0]);
    }
    if (v instanceof long[] l) {
      return Long.toString(l[i]);
    }
    if (v instanceof String[][] s) {
      return s[i][0];
    }
    if (v instanceof String[] s) {
      return s[i];
    }
    throw new IllegalStateException("label output of unexpected Java type " + raw.getClass());
  }

  private static double[] flat(OnnxValue v, int n, String name)
      throws OrtException, OnnxModelException {
    Object raw = v.getValue();
    double[] out = new double[n];
    if (raw instanceof float[] f && f.length == n) {
      for (int i = 0; i < n; i++) {
        out[i] = f[i];
      }
    } else if (raw instanceof double[] d && d.length == n) {
      System.arraycopy(d, 0, out, 0, n);
    } else if (raw instanceof float[][] f && f.length == n && f[0].length == 1) {
      for (int i = 0; i < n; i++) {
        out[i] = f[i][0];
      }
    } else if (raw instanceof double[][] d && d.length == n && d[0].length == 1) {
      for (int i = 0; i < n; i++) {
        out[i] = d[i][0];
      }
    } else {
      throw new OnnxModelException(
          "model.onnx output '" + name + "' is " + v.getInfo() + ", not one value per row.",
          "export a regressor whose output is a tensor [N] or [N, 1].");
    }
    return out;
  }

  private static double[][] matrix(OnnxValue v, int n, String name) throws OrtException {
    Object raw = v.getValue();
    if (raw instanceof double[][] d) {
      return d;
    }
    float[][] f = (float[][]) raw;
    double[][] out = new double[f.length][];
    for (int i = 0; i < f.length; i++) {
      out[i] = new double[f[i].length];
      for (int j = 0; j < f[i].length; j++) {
        out[i][j] = f[i][j];
      }
    }
    return out;
  }

  private static OnnxModelException classesDiffer(String model, List<String> classes) {
    return new OnnxModelException(
        "model.onnx's classes " + model + " differ from MLCI_CLASSES " + classes + ".",
        "train on MLCI_TRAIN_DATA's target column as given (as strings, e.g."
            + " df[target].astype(str)), so the model's classes are MLCI_CLASSES.");
  }

  private static OnnxModelException nonFinite(String where, String output, double x) {
    return new OnnxModelException(
        "model.onnx outputs " + x + " in '" + output + "' for " + where + ".",
        "check the exported model on that row in Python (onnxruntime); a NaN often means a missing"
            + " value without an imputer in the pipeline, or a conversion error.",
        true);
  }
}
