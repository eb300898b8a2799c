package dev.mlci.format.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What ONNX Runtime says a model takes and gives, matched to mlci's two input forms and to the
 * outputs it reads (probabilities, labels, values); a model that fits neither form is refused here.
 */
final class OnnxSignature {
  private static final String HOW_TO_EXPORT =
      "export either one float tensor [N, F] of the features in MLCI_FEATURES order, or one input"
          + " per feature column named as the column (float, double, int64 or string), e.g."
          + " skl2onnx.to_onnx(pipeline, X_train[:1]) with X_train the DataFrame of the feature"
          + " columns.";

  static final String HOW_TO_PROBABILITIES =
      "export the classifier's probabilities: skl2onnx does by default (ZipMap output"
          + " 'output_probability'); with options={'zipmap': False} it is a tensor [N, classes],"
          + " also accepted. Other converters: add an output [N, classes] of probabilities.";

  /** Null in the per-column form. */
  final String tensorInput;

  final OnnxJavaType tensorType;
  final Map<String, TensorInfo> columnInputs;

  /** Per-column form: the model's input name of each column. */
  final Map<String, String> inputNames;

  final String probabilityOutput;
  final boolean zipMap;
  final String labelOutput;
  final String valueOutput;

  OnnxSignature(OrtSession session, FeatureSpec spec) throws OnnxModelException, OrtException {
    boolean classification = spec.target().isClassification();
    Map<String, String> columnNames = Map.of();
    Map<String, NodeInfo> inputs = session.getInputInfo();
    List<String> columns = spec.columns().stream().map(ColumnSpec::name).toList();
    String tensor = null;
    OnnxJavaType type = null;
    Map<String, TensorInfo> perColumn = new LinkedHashMap<>();
    if (inputs.size() == 1
        && inputs.values().iterator().next().getInfo() instanceof TensorInfo t
        && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE)
        && t.getShape().length == 2
        && (t.getShape()[1] == columns.size() || t.getShape()[1] < 0)
        && !(columns.size() == 1 && inputs.containsKey(columns.get(0)))) {
      tensor = inputs.keySet().iterator().next();
      type = t.type;
      for (ColumnSpec c : spec.columns()) {
        if (c.kind() != ColumnSpec.Kind.NUMERIC) {
          throw new OnnxModelException(
              "model.onnx takes one "
                  + typeName(t.type)
                  + " tensor, but feature column '"
                  + c.name()
                  + "' is categorical.",
              "export one input per column (a string input for '" + c.name() + "').");
        }
      }
    } else if (inputNames(columns, inputs.keySet()) != null) {
      Map<String, String> names = inputNames(columns, inputs.keySet());
      for (String c : columns) {
        ValueInfo info = inputs.get(names.get(c)).getInfo();
        if (!(info instanceof TensorInfo t)
            || !Set.of(
                    OnnxJavaType.FLOAT,
                    OnnxJavaType.DOUBLE,
                    OnnxJavaType.INT64,
                    OnnxJavaType.STRING)
                .contains(t.type)
            || t.getShape().length < 1
            || t.getShape().length > 2
            || (t.getShape().length == 2 && t.getShape()[1] != 1)) {
          throw new OnnxModelException(
              "model.onnx input '"
                  + names.get(c)
                  + "' is "
                  + describe(info)
                  + "; a column input must be float, double, int64 or string of shape [N, 1] or"
                  + " [N].",
              HOW_TO_EXPORT);
        }
        perColumn.put(c, t);
      }
      columnNames = Map.copyOf(names);
    } else {
      throw new OnnxModelException(
          "model.onnx has inputs "
              + describe(inputs)
              + ", matching neither form mlci feeds: one float/double tensor [N, "
              + columns.size()
              + "], or one input per feature column named "
              + columns
              + ".",
          HOW_TO_EXPORT);
    }
    this.tensorInput = tensor;
    this.tensorType = type;
    this.columnInputs = Map.copyOf(perColumn);
    this.inputNames = columnNames;

    Map<String, NodeInfo> outputs = session.getOutputInfo();
    String probs = null;
    boolean zip = false;
    String label = null;
    String value = null;
    for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
      ValueInfo info = e.getValue().getInfo();
      if (info instanceof SequenceInfo s && s.isSequenceOfMaps() && probs == null) {
        probs = e.getKey();
        zip = true;
      } else if (info instanceof TensorInfo t) {
        boolean real = t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE;
        int rank = t.getShape().length;
        if ((t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.STRING)
            && rank >= 1
            && label == null) {
          label = e.getKey();
        } else if (real && classification && rank == 2 && probs == null) {
          probs = e.getKey();
        } else if (real && !classification && value == null) {
          value = e.getKey();
        }
      }
    }
    if (classification && probs == null) {
      throw new OnnxModelException(
          "model.onnx outputs " + describe(outputs) + ": no class probabilities.",
          HOW_TO_PROBABILITIES);
    }
    if (!classification && value == null) {
      throw new OnnxModelException(
          "model.onnx outputs "
              + describe(outputs)
              + ": no float or double tensor of predicted values.",
          "export a regressor whose output is a tensor [N] or [N, 1].");
    }
    this.probabilityOutput = probs;
    this.zipMap = zip;
    this.labelOutput = label;
    this.valueOutput = value;
  }

  /**
   * Each column's input: named as the column, or as skl2onnx names it (every character other than a
   * letter, digit or underscore replaced by an underscore, e.g. {@code mean radius} becomes {@code
   * mean_radius}); null unless every column has exactly one input and there are no others.
   */
  static Map<String, String> inputNames(List<String> columns, Set<String> inputs) {
    if (inputs.size() != columns.size()) {
      return null;
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String c : columns) {
      String sanitized = c.replaceAll("[^A-Za-z0-9_]", "_");
      String name = inputs.contains(c) ? c : inputs.contains(sanitized) ? sanitized : null;
      if (name == null || names.containsValue(name)) {
        return null;
      }
      names.put(c, name);
    }
    return names;
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    List<String> parts = new ArrayList<>();
    nodes.forEach((k, v) -> parts.add("'" + k + "' " + describe(v.getInfo())));
    return parts.toString();
  }

  /** {@code float[N, 1]}, {@code sequence<map<string, float>>}, ... */
  private static String describe(ValueInfo info) {
    if (info instanceof TensorInfo t) {
      StringBuilder sb = new StringBuilder(typeName(t.type)).append('[');
      long[] shape = t.getShape();
      for (int i = 0; i < shape.length; i++) {
        sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "N" : Long.toString(shape[i]));
      }
      return sb.append(']').toString();
    }
    if (info instanceof SequenceInfo s && s.isSequenceOfMaps()) {
      return "sequence<map<"
          + typeName(s.mapInfo.keyType)
          + ", "
          + typeName(s.mapInfo.valueType)
          + ">>";
    }
    return String.valueOf(info);
  }

  static String typeName(OnnxJavaType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }
}
