package dev.mlci.format;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a model directory is served ({@code serving.json}, {@value #SCHEMA}): which backend loads it
 * and what its outputs mean. Written by {@code mlci train}, read by the model server and by {@code
 * mlci containerize} (which puts only the chosen backend's libraries into the image).
 *
 * @param name the model's name
 * @param backend the runtime that serves it
 * @param outputs what the output numbers are
 * @param modelClass the Tribuo model class (also for ONNX models: the model they were exported
 *     from)
 * @param nativeLibraries native code the backend needs beyond the JVM: {@code xgboost} for XGBoost
 *     models, else empty
 */
public record ServingSpec(
    String name, Backend backend, Outputs outputs, String modelClass, String nativeLibraries) {
  public static final String SCHEMA = "mlci.serving/v1";

  /**
   * {@code model_class} of a model the repository's own command exported ({@code trainer:
   * external}): no Tribuo class, the graph is the model. Such an ONNX model takes the inputs and
   * gives the outputs {@code dev.mlci.format.onnx.OnnxGraph} reads, not mlci's own export's one
   * float64 tensor.
   */
  public static final String EXTERNAL_ONNX = "external:onnx";

  /** The runtime that serves a model. */
  public enum Backend {
    /** {@code model.onnx} through ONNX Runtime (DJL). */
    ONNX,
    /** {@code model.tribuo} loaded by Tribuo. */
    TRIBUO,
    /** {@code mlp.json} and its parameters through DJL's PyTorch engine. */
    PYTORCH
  }

  /** What a model's output numbers are. */
  public enum Outputs {
    /** One probability per class; rows sum to 1. */
    PROBABILITIES,
    /** One decision score per class. */
    SCORES,
    /** One predicted value (regression). */
    VALUES
  }

  /** Whether the model is an ONNX model the repository's own command exported. */
  public boolean external() {
    return backend == Backend.ONNX && EXTERNAL_ONNX.equals(modelClass);
  }

  public ServingSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(outputs, "outputs");
    Objects.requireNonNull(modelClass, "modelClass");
    Objects.requireNonNull(nativeLibraries, "nativeLibraries");
  }

  /**
   * The names of the output columns, as in {@code predictions.csv}: {@code proba_<class>} or {@code
   * score_<class>} per class in {@code classes} order, or {@code prediction}. They name the ONNX
   * model's outputs, so MLflow's onnx flavor returns an N x K frame with these columns, and the
   * keys of each row {@code /invocations} answers.
   */
  public List<String> outputColumns(List<String> classes) {
    return switch (outputs) {
      case PROBABILITIES -> classes.stream().map(c -> "proba_" + c).toList();
      case SCORES -> classes.stream().map(c -> "score_" + c).toList();
      case VALUES -> List.of("prediction");
    };
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("schema", SCHEMA);
    n.put("name", name);
    n.put("backend", backend.name().toLowerCase(Locale.ROOT));
    n.put("outputs", outputs.name().toLowerCase(Locale.ROOT));
    n.put("model_class", modelClass);
    n.put("native_libraries", nativeLibraries);
    return n;
  }

  /**
   * Reads {@link #toJson}'s output.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static ServingSpec fromJson(JsonNode n) {
    String schema = n.path("schema").asString("");
    if (!schema.equals(SCHEMA)) {
      throw new IllegalArgumentException(
          "serving.json has schema '" + schema + "'; this version reads '" + SCHEMA + "'");
    }
    try {
      return new ServingSpec(
          n.path("name").asString(),
          Backend.valueOf(n.path("backend").asString().toUpperCase(Locale.ROOT)),
          Outputs.valueOf(n.path("outputs").asString().toUpperCase(Locale.ROOT)),
          n.path("model_class").asString(),
          n.path("native_libraries").asString(""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("serving.json: " + e.getMessage());
    }
  }
}
