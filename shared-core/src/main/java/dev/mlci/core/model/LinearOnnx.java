package dev.mlci.core.model;

import ai.onnx.proto.OnnxMl;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ModelFormat;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/**
 * Exports Tribuo's linear models (logistic regression, linear SVM, linear regression) to ONNX, with
 * mlci's standardisation inside the graph, so the exported model takes the raw numeric columns in
 * input order.
 *
 * <p>Tribuo's own {@code exportONNXModel} writes float32 weights and expects already-encoded
 * features in its own feature order. A float32 graph differs from the evaluated (float64)
 * predictions by up to ~1e-6, which would break the serving contract (served predictions equal
 * evaluated ones within 1e-6), so this writes the same linear algebra in float64: {@code
 * Softmax(Gemm((input - center) / scale, W, b))} for probabilistic classifiers, without the softmax
 * for the others. The graph uses opset 13 operators only.
 *
 * <p>Models with categorical inputs are not exported: their one-hot encoding needs string inputs
 * that a single numeric tensor cannot carry. They are served natively.
 */
public final class LinearOnnx {
  /** Name of the input tensor: float64 [batch, number of input columns]. */
  public static final String INPUT = "input";

  /**
   * Name of the inner tensor float64 [batch, classes] (probabilities or scores), or [batch, 1]
   * (regression), that the graph splits into its outputs: one float64 [batch, 1] per column of
   * {@link dev.mlci.format.ServingSpec#outputColumns} ({@code proba_<class>}, {@code score_<class>}
   * or {@code prediction}), so that MLflow's onnx flavor, which flattens each output into one
   * column, returns an N x K frame with those columns.
   */
  public static final String SCORES = "mlci_scores";

  static final int OPSET = 13;
  static final long IR_VERSION = 7;

  private LinearOnnx() {}

  /** Why {@code model} with {@code spec} cannot be exported, or empty when it can. */
  public static Optional<String> whyNot(Model<?> model, FeatureSpec spec) {
    if (model instanceof MlpModel<?>) {
      return Optional.of(
          "ONNX export covers linear models; the mlp is served by DJL's PyTorch engine");
    }
    if (!(model instanceof AbstractLinearSGDModel<?>)) {
      return Optional.of(
          "ONNX export covers linear models; "
              + model.getClass().getSimpleName()
              + " is served natively by Tribuo");
    }
    if (spec.columns().stream().anyMatch(c -> c.kind() == ColumnSpec.Kind.CATEGORICAL)) {
      return Optional.of(
          "ONNX export covers numeric inputs only; categorical columns are served natively");
    }
    if (spec.imputeMissing()) {
      // The graph standardises but does not impute: a missing value would come out as NaN.
      return Optional.of(
          "ONNX export has no missing-value imputation (missing: impute-mean); the model is served"
              + " natively");
    }
    return Optional.empty();
  }

  /** The ONNX model. Call only when {@link #whyNot} is empty. */
  public static OnnxMl.ModelProto export(Model<?> model, FeatureSpec spec, String name) {
    List<String> outputColumns =
        ModelDirectory.servingSpec(model, spec, name, true)
            .outputColumns(spec.target().isClassification() ? spec.target().classes() : List.of());
    AbstractLinearSGDModel<?> linear = (AbstractLinearSGDModel<?>) model;
    List<ColumnSpec> columns = spec.columns();
    int inputs = columns.size();
    boolean classification = spec.target().isClassification();
    List<String> outputs = classification ? spec.target().classes() : List.of(spec.target().name());
    int outs = outputs.size();

    DenseMatrix weights =
        linear.getWeightsCopy(); // [outputs, features + 1]; last column is the bias
    ImmutableFeatureMap featureIds = model.getFeatureIDMap();
    int biasColumn = weights.getDimension2Size() - 1;
    double[] w =
        new double[inputs * outs]; // [inputs, outs], row-major, mlci's column and class order
    double[] b = new double[outs];
    for (int o = 0; o < outs; o++) {
      int row = outputRow(model, classification, outputs.get(o));
      b[o] = weights.get(row, biasColumn);
      for (int i = 0; i < inputs; i++) {
        // A feature Tribuo never saw (a column constant at zero after centring) has no weight.
        int id = featureIds.getID(columns.get(i).name());
        w[i * outs + o] = id < 0 ? 0.0 : weights.get(row, id);
      }
    }
    double[] center = columns.stream().mapToDouble(ColumnSpec::center).toArray();
    double[] scale = columns.stream().mapToDouble(ColumnSpec::scale).toArray();

    OnnxMl.GraphProto.Builder graph =
        OnnxMl.GraphProto.newBuilder()
            .setName(name)
            .addInput(tensorInfo(INPUT, inputs))
            .addInitializer(tensor("mlci_center", new long[] {inputs}, center))
            .addInitializer(tensor("mlci_scale", new long[] {inputs}, scale))
            .addInitializer(tensor("mlci_weights", new long[] {inputs, outs}, w))
            .addInitializer(tensor("mlci_bias", new long[] {outs}, b))
            .addNode(node("Sub", List.of(INPUT, "mlci_center"), "centered"))
            .addNode(node("Div", List.of("centered", "mlci_scale"), "scaled"));
    boolean softmax = classification && model.generatesProbabilities();
    graph.addNode(
        node("Gemm", List.of("scaled", "mlci_weights", "mlci_bias"), softmax ? "logits" : SCORES));
    if (softmax) {
      graph.addNode(
          node("Softmax", List.of("logits"), SCORES).toBuilder()
              .addAttribute(
                  OnnxMl.AttributeProto.newBuilder()
                      .setName("axis")
                      .setType(OnnxMl.AttributeProto.AttributeType.INT)
                      .setI(1))
              .build());
    }
    // One [batch, 1] output per column: Split along axis 1 (opset 13: sizes as an input).
    graph.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName("mlci_split")
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
            .addDims(outs)
            .addAllInt64Data(Collections.nCopies(outs, 1L)));
    OnnxMl.NodeProto.Builder split =
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Split")
            .setName("mlci_split_outputs")
            .addInput(SCORES)
            .addInput("mlci_split")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(1));
    for (String column : outputColumns) {
      split.addOutput(column);
      graph.addOutput(tensorInfo(column, 1));
    }
    graph.addNode(split);
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("mlci")
        .setProducerVersion(ModelFormat.mlciVersion())
        .setDomain("dev.mlci")
        .setModelVersion(1)
        .setDocString("mlci export of " + model.getClass().getName())
        .setGraph(graph)
        .addMetadataProps(
            meta(
                ONNXExportable.PROVENANCE_METADATA_FIELD,
                ((ONNXExportable) model).serializeProvenance(model.getProvenance())))
        .addMetadataProps(
            meta(
                "mlci.inputs",
                String.join("\u001f", columns.stream().map(ColumnSpec::name).toList())))
        .addMetadataProps(meta("mlci.outputs", String.join("\u001f", outputs)))
        .build();
  }

  private static int outputRow(Model<?> model, boolean classification, String output) {
    if (!classification) {
      return 0;
    }
    @SuppressWarnings("unchecked")
    ImmutableOutputInfo<Label> info = (ImmutableOutputInfo<Label>) model.getOutputIDInfo();
    int id = info.getID(new Label(output));
    if (id < 0) {
      throw new IllegalStateException("the model does not know class " + output);
    }
    return id;
  }

  private static OnnxMl.StringStringEntryProto meta(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(output + "_" + op.toLowerCase(Locale.ROOT))
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static OnnxMl.ValueInfoProto tensorInfo(String name, int width) {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.DOUBLE.getNumber())
                        .setShape(shape)))
        .build();
  }

  private static OnnxMl.TensorProto tensor(String name, long[] dims, double[] values) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.DOUBLE.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    for (double v : values) {
      t.addDoubleData(v);
    }
    return t.build();
  }
}
