package dev.mlci.core.model;

import dev.mlci.core.io.Json;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.onnx.OnnxGraph;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * Writes MLflow's {@code MLmodel} file, so MLflow (and anything that reads its model format) knows
 * what a model directory holds: the {@code onnx} flavor (plus {@code python_function}, which lets
 * {@code mlflow.pyfunc} load it) when the model was exported, and always a {@code tribuo} flavor
 * naming the native model, which only mlci's Java model server loads. The signature lists the input
 * columns with their types and the output.
 */
final class MlModelFile {
  /** The MLflow the model directory is written for (as {@code .ci/requirements.txt} pins it). */
  static final String MLFLOW_VERSION = "3.17.2";

  /** The Python packages MLflow's onnx flavor needs, pinned as {@code .ci/requirements.txt}. */
  static final List<String> REQUIREMENTS =
      List.of("mlflow==" + MLFLOW_VERSION, "onnx==1.23.2", "onnxruntime==1.20.1");

  /** The Python the environment files name. */
  static final String PYTHON_VERSION = "3.11";

  /** MLflow's environment files, written beside {@code MLmodel} for ONNX models. */
  static final String PYTHON_ENV = "python_env.yaml";

  static final String REQUIREMENTS_FILE = "requirements.txt";
  static final String CONDA = "conda.yaml";

  /** A request body {@code mlflow models predict -i} and {@code /invocations} accept. */
  static final String SERVING_INPUT_EXAMPLE = "serving_input_example.json";

  private MlModelFile() {}

  /** {@code python_env.yaml}: what {@code --env-manager virtualenv} (MLflow's default) builds. */
  static String pythonEnv() {
    // Quoted: unquoted, YAML reads 3.11 as a number, and MLflow refuses it ("`python` must be a
    // string").
    return "python: \""
        + PYTHON_VERSION
        + "\"\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r "
        + REQUIREMENTS_FILE
        + "\n";
  }

  static String requirements() {
    return String.join("\n", REQUIREMENTS) + "\n";
  }

  /** {@code conda.yaml}: what {@code --env-manager conda} builds. */
  static String conda() {
    StringBuilder b =
        new StringBuilder("channels:\n- conda-forge\ndependencies:\n- python=")
            .append(PYTHON_VERSION)
            .append("\n- pip\n- pip:\n");
    REQUIREMENTS.forEach(r -> b.append("  - ").append(r).append('\n'));
    return b.append("name: mlflow-env\n").toString();
  }

  static String render(
      FeatureSpec spec,
      List<String> outputColumns,
      String modelClass,
      String tribuoVersion,
      boolean onnx,
      String modelDigest,
      boolean mlp) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("artifact_path", "model");
    Map<String, Object> flavors = new LinkedHashMap<>();
    if (onnx) {
      Map<String, Object> pyfunc = new LinkedHashMap<>();
      pyfunc.put("loader_module", "mlflow.onnx");
      pyfunc.put("data", ModelFormat.ONNX_MODEL);
      pyfunc.put("python_version", PYTHON_VERSION);
      Map<String, Object> env = new LinkedHashMap<>();
      env.put("conda", CONDA);
      env.put("virtualenv", PYTHON_ENV);
      pyfunc.put("env", env);
      flavors.put("python_function", pyfunc);
      Map<String, Object> onnxFlavor = new LinkedHashMap<>();
      onnxFlavor.put("data", ModelFormat.ONNX_MODEL);
      onnxFlavor.put("onnx_version", "1.23.2");
      onnxFlavor.put("providers", List.of("CPUExecutionProvider"));
      onnxFlavor.put("code", null);
      flavors.put("onnx", onnxFlavor);
    }
    if (mlp) {
      // Parameters in DJL's format; no MLflow flavor loads them, so there is no python_function.
      Map<String, Object> djl = new LinkedHashMap<>();
      djl.put("data", ModelFormat.MLP_PARAMS);
      djl.put("architecture", ModelFormat.MLP_SPEC);
      djl.put("engine", "PyTorch");
      djl.put("features", ModelFormat.FEATURES);
      djl.put(
          "loader",
          "mlci model-server (Java, DJL with the PyTorch engine); MLflow has no Python loader for"
              + " this flavor");
      flavors.put("djl_pytorch", djl);
      return finish(root, flavors, inputs(spec), outputColumns, modelDigest);
    }
    Map<String, Object> tribuo = new LinkedHashMap<>();
    tribuo.put("data", ModelFormat.TRIBUO_MODEL);
    tribuo.put("format", "tribuo-protobuf");
    tribuo.put("model_class", modelClass);
    tribuo.put("tribuo_version", tribuoVersion);
    tribuo.put("features", ModelFormat.FEATURES);
    tribuo.put(
        "loader",
        "mlci model-server (Java, Tribuo "
            + tribuoVersion
            + "); MLflow has no Python loader for this flavor");
    flavors.put("tribuo", tribuo);
    return finish(root, flavors, inputs(spec), outputColumns, modelDigest);
  }

  /**
   * The {@code MLmodel} of a model the repository's own command exported: the {@code onnx} and
   * {@code python_function} flavors only. In the per-column form ({@code columnInputs} not empty)
   * the signature is tensor-based, one named tensor per ONNX input as the graph declares it: MLflow
   * then reshapes and casts each DataFrame column (named as the input) or dictionary entry to it,
   * which its onnx flavor feeds as is. In the one-tensor form it lists the columns, as for mlci's
   * own exports: the flavor feeds the DataFrame's values as the tensor.
   */
  static String renderOnnx(
      FeatureSpec spec,
      String onnxVersion,
      String modelDigest,
      List<OnnxGraph.ColumnInput> columnInputs) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("artifact_path", "model");
    Map<String, Object> flavors = new LinkedHashMap<>();
    Map<String, Object> pyfunc = new LinkedHashMap<>();
    pyfunc.put("loader_module", "mlflow.onnx");
    pyfunc.put("data", ModelFormat.ONNX_MODEL);
    pyfunc.put("python_version", "3.11");
    flavors.put("python_function", pyfunc);
    Map<String, Object> onnxFlavor = new LinkedHashMap<>();
    onnxFlavor.put("data", ModelFormat.ONNX_MODEL);
    onnxFlavor.put("onnx_version", onnxVersion);
    onnxFlavor.put("providers", List.of("CPUExecutionProvider"));
    onnxFlavor.put("code", null);
    flavors.put("onnx", onnxFlavor);
    // The outputs are the script's own (a label and probabilities, or a ZipMap): not described.
    return finish(
        root,
        flavors,
        columnInputs.isEmpty() ? inputs(spec) : tensorInputs(columnInputs),
        null,
        modelDigest);
  }

  private static String finish(
      Map<String, Object> root,
      Map<String, Object> flavors,
      List<Map<String, Object>> inputs,
      List<String> outputColumns,
      String modelDigest) {
    root.put("flavors", flavors);
    root.put("mlflow_version", MLFLOW_VERSION);
    root.put(
        "model_uuid",
        UUID.nameUUIDFromBytes(modelDigest.getBytes(StandardCharsets.UTF_8)).toString());
    root.put("saved_input_example_info", savedInputExample());
    Map<String, Object> signature = new LinkedHashMap<>();
    ObjectWriter compact = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);
    signature.put("inputs", compact.writeValueAsString(inputs));
    signature.put(
        "outputs",
        outputColumns == null ? null : compact.writeValueAsString(outputs(outputColumns)));
    signature.put("params", null);
    root.put("signature", signature);
    DumpSettings settings =
        DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(1 << 16).build();
    return new Dump(settings).dumpToString(root);
  }

  private static Map<String, Object> savedInputExample() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("artifact_path", ModelFormat.INPUT_EXAMPLE);
    info.put("type", "dataframe");
    info.put("pandas_orient", "split");
    info.put("serving_input_path", SERVING_INPUT_EXAMPLE);
    return info;
  }

  private static List<Map<String, Object>> inputs(FeatureSpec spec) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      Map<String, Object> col = new LinkedHashMap<>();
      col.put("type", c.kind() == ColumnSpec.Kind.NUMERIC ? "double" : "string");
      col.put("name", c.name());
      col.put("required", !spec.imputeMissing());
      inputs.add(col);
    }
    return inputs;
  }

  /** MLflow's tensor specs of an exported model's per-column inputs: [-1, 1] or [-1]. */
  private static List<Map<String, Object>> tensorInputs(List<OnnxGraph.ColumnInput> columns) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (OnnxGraph.ColumnInput c : columns) {
      Map<String, Object> tensor = new LinkedHashMap<>();
      tensor.put("dtype", c.numpyType());
      tensor.put("shape", c.rank() == 2 ? List.of(-1, 1) : List.of(-1));
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("type", "tensor");
      in.put("tensor-spec", tensor);
      in.put("name", c.name());
      inputs.add(in);
    }
    return inputs;
  }

  /**
   * One double column per output, named as in {@code predictions.csv}: what MLflow's onnx flavor
   * returns for the exported graph, and the keys of each row {@code /invocations} answers.
   */
  private static List<Map<String, Object>> outputs(List<String> columns) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String c : columns) {
      Map<String, Object> col = new LinkedHashMap<>();
      col.put("type", "double");
      col.put("name", c);
      col.put("required", true);
      out.add(col);
    }
    return out;
  }
}
