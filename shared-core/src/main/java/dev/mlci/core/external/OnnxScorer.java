package dev.mlci.core.external;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.mlci.core.data.DataRow;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scores rows through ONNX Runtime, the runtime mlci's model server uses, with a model the
 * repository's own command exported. It reads the model's signature and feeds it in one of the two
 * forms mlci accepts:
 *
 * <ul>
 *   <li>one float or double tensor {@code [N, F]} of the feature columns in {@code MLCI_FEATURES}
 *       order (numeric columns only);
 *   <li>one input per feature column, named as the column, each float, double, int64 or string of
 *       shape {@code [N, 1]} or {@code [N]} (what skl2onnx makes of a {@code ColumnTransformer}).
 * </ul>
 *
 * Classifiers must output probabilities: a float/double tensor {@code [N, classes]} or skl2onnx's
 * ZipMap (a sequence of maps from class to probability). With a ZipMap the classes are its keys;
 * with a tensor the column order is checked against the label output. Regressors output one
 * float/double tensor {@code [N]} or {@code [N, 1]}.
 */
public final class OnnxScorer implements AutoCloseable {
  /** Rows per ONNX Runtime call. */
  static final int BATCH = 4096;

  /** Largest deviation of a probability row's sum from 1. */
  static final double SUM_TOLERANCE = 1e-3;

  private static final String HOW_TO_EXPORT =
      "export either one float tensor [N, F] of the features in MLCI_FEATURES order, or one input"
          + " per feature column named as the column (float, double, int64 or string), e.g."
          + " skl2onnx.to_onnx(pipeline, X_train[:1]) with X_train the DataFrame of the feature"
          + " columns.";

  private static final String HOW_TO_PROBABILITIES =
      "export the classifier's probabilities: skl2onnx does by default (ZipMap output"
          + " 'output_probability'); with options={'zipmap': False} it is a tensor [N, classes],"
          + " also accepted. Other converters: add an output [N, classes] of probabilities.";

  private final OrtSession session;
  private final FeatureSpec spec;
  private final boolean classification;

  /** Null in the per-column form. */
  private final String tensorInput;

  private final OnnxJavaType tensorType;
  private final Map<String, TensorInfo> columnInputs;

  /** Per-column form: the model's input name of each column. */
  private Map<String, String> inputNames = Map.of();

  private final String probabilityOutput;
  private final boolean zipMap;
  private final String labelOutput;
  private final String valueOutput;

  /** Scores of a batch of rows. */
  public record Scores(double[][] probabilities, String[] labels, double[] values) {}

  private OnnxScorer(OrtSession session, FeatureSpec spec) throws OnnxModelException, OrtException {
    this.session = session;
    this.spec = spec;
    this.classification = spec.target().isClassification();
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
      inputNames = Map.copyOf(names);
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
   * Loads {@code model} into ONNX Runtime and checks that its signature fits {@code spec}.
   *
   * @throws OnnxModelException when ONNX Runtime cannot load it or its inputs or outputs fit
   *     neither form
   */
  public static OnnxScorer load(byte[] model, FeatureSpec spec) throws OnnxModelException {
    OrtSession session;
    try {
      session =
          OrtEnvironment.getEnvironment().createSession(model, new OrtSession.SessionOptions());
    } catch (OrtException e) {
      throw new OnnxModelException(
          "ONNX Runtime cannot load model.onnx: " + e.getMessage(),
          "write a valid ONNX model (onnx.checker.check_model passes) with an opset ONNX Runtime"
              + " supports.");
    }
    try {
      return new OnnxScorer(session, spec);
    } catch (OrtException e) {
      close(session);
      throw new OnnxModelException(
          "ONNX Runtime cannot read model.onnx's signature: " + e.getMessage(),
          "write a valid ONNX model.");
    } catch (OnnxModelException | RuntimeException e) {
      close(session);
      throw e;
    }
  }

  /** Which of the two input forms the model takes, for records. */
  public String inputForm() {
    return tensorInput != null
        ? "tensor '"
            + tensorInput
            + "' "
            + typeName(tensorType)
            + " [N, "
            + spec.columns().size()
            + "]"
        : "one input per column";
  }

  /**
   * Scores {@code rows}: classification gives probabilities in {@code spec}'s class order (and the
   * model's labels when it outputs them), regression the values.
   *
   * @throws OnnxModelException when scoring fails or gives non-finite numbers or classes that
   *     differ from {@code MLCI_CLASSES}
   */
  public Scores score(List<DataRow> rows) throws OnnxModelException {
    int n = rows.size();
    List<String> classes = classification ? spec.target().classes() : List.of();
    double[][] probabilities = classification ? new double[n][] : null;
    String[] labels = classification && labelOutput != null ? new String[n] : null;
    double[] values = classification ? null : new double[n];
    for (int from = 0; from < n; from += BATCH) {
      List<DataRow> batch = rows.subList(from, Math.min(n, from + BATCH));
      Map<String, OnnxTensor> feed = new HashMap<>();
      try {
        feed(batch, feed);
        try (OrtSession.Result result = session.run(feed)) {
          if (classification) {
            classify(result, batch, from, classes, probabilities, labels);
          } else {
            OnnxValue v = result.get(valueOutput).orElseThrow();
            double[] got = flat(v, batch.size(), valueOutput);
            for (int i = 0; i < got.length; i++) {
              if (!Double.isFinite(got[i])) {
                throw nonFinite(batch.get(i), valueOutput, got[i]);
              }
              values[from + i] = got[i];
            }
          }
        }
      } catch (OrtException e) {
        throw new OnnxModelException(
            "ONNX Runtime fails to score rows " + describeRange(batch) + ": " + e.getMessage(),
            "check the exported model with onnxruntime in Python on the same rows.");
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
    return new Scores(probabilities, labels, values);
  }

  private void feed(List<DataRow> batch, Map<String, OnnxTensor> feed) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int n = batch.size();
    List<ColumnSpec> columns = spec.columns();
    if (tensorInput != null) {
      int f = columns.size();
      long[] shape = {n, f};
      if (tensorType == OnnxJavaType.FLOAT) {
        float[] data = new float[n * f];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < f; c++) {
            data[r * f + c] = (float) batch.get(r).numeric()[c];
          }
        }
        feed.put(tensorInput, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
      } else {
        double[] data = new double[n * f];
        for (int r = 0; r < n; r++) {
          System.arraycopy(batch.get(r).numeric(), 0, data, r * f, f);
        }
        feed.put(tensorInput, OnnxTensor.createTensor(env, DoubleBuffer.wrap(data), shape));
      }
      return;
    }
    for (int c = 0; c < columns.size(); c++) {
      String column = columns.get(c).name();
      String name = inputNames.get(column);
      TensorInfo t = columnInputs.get(column);
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

  private void classify(
      OrtSession.Result result,
      List<DataRow> batch,
      int from,
      List<String> classes,
      double[][] probabilities,
      String[] labels)
      throws OrtException, OnnxModelException {
    int n = batch.size();
    String[] got = null;
    if (labelOutput != null) {
      Object raw = result.get(labelOutput).orElseThrow().getValue();
      got = new String[n];
      for (int i = 0; i < n; i++) {
        got[i] = labelAt(raw, i);
      }
    }
    OnnxValue p = result.get(probabilityOutput).orElseThrow();
    // Read out of the native result once per batch: each getValue() copies all of it.
    List<? extends OnnxValue> maps = zipMap ? ((OnnxSequence) p).getValue() : null;
    double[][] all = zipMap ? null : matrix(p, n, probabilityOutput);
    for (int i = 0; i < n; i++) {
      double[] row = new double[classes.size()];
      if (zipMap) {
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
                  + probabilityOutput
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
          throw nonFinite(batch.get(i), probabilityOutput, x);
        }
        sum += x;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        throw new OnnxModelException(
            "model.onnx output '"
                + probabilityOutput
                + "' is not probabilities: they sum to "
                + sum
                + " for "
                + where(batch.get(i))
                + ".",
            HOW_TO_PROBABILITIES);
      }
      probabilities[from + i] = row;
      if (got != null) {
        if (!classes.contains(got[i])) {
          throw classesDiffer("a label '" + got[i] + "' (" + where(batch.get(i)) + ")", classes);
        }
        labels[from + i] = got[i];
        if (!zipMap && !isArgmax(row, classes.indexOf(got[i]))) {
          throw new OnnxModelException(
              "model.onnx labels "
                  + where(batch.get(i))
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

  private static OnnxModelException nonFinite(DataRow row, String output, double x) {
    return new OnnxModelException(
        "model.onnx outputs " + x + " in '" + output + "' for " + where(row) + ".",
        "check the exported model on that row in Python (onnxruntime); a NaN often means a missing"
            + " value without an imputer in the pipeline, or a conversion error.");
  }

  private static String where(DataRow row) {
    return "row " + row.row() + " of " + row.file() + " (id " + row.id() + ")";
  }

  private static String describeRange(List<DataRow> batch) {
    return where(batch.get(0)) + " to " + where(batch.get(batch.size() - 1));
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

  private static String typeName(OnnxJavaType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  private static void close(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // Nothing to recover: the session was never used.
    }
  }

  @Override
  public void close() {
    close(session);
  }
}
