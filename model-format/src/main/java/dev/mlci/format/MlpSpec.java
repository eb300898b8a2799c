package dev.mlci.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The architecture of an {@code mlp} model ({@value ModelFormat#MLP_SPEC}): what {@link MlpNetwork}
 * rebuilds before loading the trained parameters ({@value ModelFormat#MLP_PARAMS}).
 *
 * @param inputs width of the feature vector (after one-hot encoding and standardisation, as
 *     features.json describes)
 * @param hidden units of each hidden layer, input side first
 * @param activation the hidden layers' activation
 * @param dropout dropout rate after each hidden layer while training (inactive when predicting)
 * @param outputs classes (classification: softmax over them) or 1 (regression)
 * @param classification whether outputs are class probabilities
 * @param targetMean regression: the training target's mean, added back to the network's output
 * @param targetScale regression: its standard deviation, multiplying the network's output
 */
public record MlpSpec(
    int inputs,
    List<Integer> hidden,
    Activation activation,
    double dropout,
    int outputs,
    boolean classification,
    double targetMean,
    double targetScale) {
  public static final String SCHEMA = "mlci.mlp/v1";

  /** Hidden-layer activations. */
  public enum Activation {
    RELU,
    TANH,
    SIGMOID;

    /** The name used in ml.yaml and mlp.json. */
    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The activation called {@code name} in ml.yaml. */
    public static Activation fromYaml(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  public MlpSpec {
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be at least 1: " + inputs);
    }
    hidden = List.copyOf(hidden);
    for (int h : hidden) {
      if (h < 1) {
        throw new IllegalArgumentException("hidden layers need at least 1 unit: " + hidden);
      }
    }
    Objects.requireNonNull(activation, "activation");
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
    }
    if (outputs < 1 || (classification && outputs < 2) || (!classification && outputs != 1)) {
      throw new IllegalArgumentException("outputs " + outputs + " do not fit the task");
    }
    if (!(targetScale > 0) || !Double.isFinite(targetMean)) {
      throw new IllegalArgumentException(
          "target scaling must be finite and positive: " + targetMean + ", " + targetScale);
    }
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("schema", SCHEMA);
    n.put("inputs", inputs);
    hidden.forEach(n.putArray("hidden")::add);
    n.put("activation", activation.yamlName());
    n.put("dropout", dropout);
    n.put("outputs", outputs);
    n.put("task", classification ? "classification" : "regression");
    n.put("target_mean", targetMean);
    n.put("target_scale", targetScale);
    return n;
  }

  /**
   * Reads {@link #toJson}'s output.
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static MlpSpec fromJson(JsonNode n) {
    String schema = n.path("schema").asString("");
    if (!schema.equals(SCHEMA)) {
      throw new IllegalArgumentException(
          ModelFormat.MLP_SPEC
              + " has schema '"
              + schema
              + "'; this version reads '"
              + SCHEMA
              + "'");
    }
    List<Integer> hidden = new ArrayList<>();
    n.path("hidden").forEach(h -> hidden.add(h.asInt()));
    try {
      return new MlpSpec(
          n.path("inputs").asInt(),
          hidden,
          Activation.fromYaml(n.path("activation").asString("")),
          n.path("dropout").asDouble(),
          n.path("outputs").asInt(),
          n.path("task").asString("").equals("classification"),
          n.path("target_mean").asDouble(0),
          n.path("target_scale").asDouble(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ModelFormat.MLP_SPEC + ": " + e.getMessage(), e);
    }
  }
}
