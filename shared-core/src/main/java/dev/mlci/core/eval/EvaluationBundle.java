package dev.mlci.core.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything the gate needs of one evaluation, in one file: the metrics, the per-example
 * predictions, and what produced them (commit, model digest, config digest, input signature).
 * {@code mlci evaluate} writes it next to {@code metrics.json}; {@code mlci baseline record} stores
 * the same bytes as a git note; {@code mlci gate --baseline FILE} reads one back (e.g. from a CI
 * artifact).
 *
 * <p>Format ({@value #SCHEMA}): gzip-compressed JSON with the predictions stored column by column,
 * so 100,000 rows stay compact (about 2 MB with two classes) and load in a fraction of a second.
 * Inspect one with {@code gunzip -c evaluation.mlci.gz | jq .} or {@code git notes --ref=mlci show
 * COMMIT | gunzip | jq .}.
 *
 * @param name model name
 * @param task {@code classification} or {@code regression}
 * @param commit the evaluated commit, or empty outside git
 * @param dirty whether tracked files had uncommitted changes
 * @param modelDigest the model directory's digest
 * @param configSha256 SHA-256 of ml.yaml
 * @param inputs the input signature (files, split, columns) as JSON
 * @param metrics defined metrics
 * @param undefined undefined metrics and why
 * @param predictions per-example predictions
 */
public record EvaluationBundle(
    String name,
    String task,
    Optional<String> commit,
    boolean dirty,
    String modelDigest,
    String configSha256,
    JsonNode inputs,
    Map<String, Double> metrics,
    Map<String, String> undefined,
    Predictions predictions) {

  /** Version of the format. */
  public static final String SCHEMA = "mlci.bundle/v1";

  /** File name in the evaluation directory. */
  public static final String FILE = "evaluation.mlci.gz";

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  public EvaluationBundle {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(modelDigest, "modelDigest");
    Objects.requireNonNull(configSha256, "configSha256");
    Objects.requireNonNull(inputs, "inputs");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    undefined = Collections.unmodifiableMap(new LinkedHashMap<>(undefined));
    Objects.requireNonNull(predictions, "predictions");
  }

  /** Writes the bundle, gzip-compressed, to {@code out} (which it closes). */
  public void write(OutputStream out) throws IOException {
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        JsonGenerator g = MAPPER.createGenerator(gz)) {
      g.writeStartObject();
      g.writeStringProperty("schema", SCHEMA);
      g.writeStringProperty("name", name);
      g.writeStringProperty("task", task);
      if (commit.isPresent()) {
        g.writeStringProperty("commit", commit.get());
      } else {
        g.writeNullProperty("commit");
      }
      g.writeBooleanProperty("dirty", dirty);
      g.writeStringProperty("model_digest", modelDigest);
      g.writeStringProperty("config_sha256", configSha256);
      g.writeName("inputs");
      g.writePOJO(inputs);
      g.writeName("metrics");
      g.writeStartObject();
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        g.writeNumberProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeName("undefined");
      g.writeStartObject();
      for (Map.Entry<String, String> e : undefined.entrySet()) {
        g.writeStringProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeName("predictions");
      g.writeStartObject();
      writeStrings(g, "ids", predictions.ids());
      if (predictions instanceof ClassificationPredictions p) {
        writeStrings(g, "classes", p.classes());
        g.writeNumberProperty("positive", p.positive());
        g.writeBooleanProperty("probabilities", p.probabilities());
        writeInts(g, "truth", p.truth());
        writeInts(g, "predicted", p.predicted());
        g.writeName("scores");
        g.writeStartArray();
        for (int c = 0; c < p.classes().size(); c++) {
          g.writeStartArray();
          for (double[] row : p.scores()) {
            g.writeNumber(row[c]);
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      } else {
        RegressionPredictions p = (RegressionPredictions) predictions;
        writeDoubles(g, "truth", p.truth());
        writeDoubles(g, "predicted", p.predicted());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values) {
    g.writeName(name);
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void writeInts(JsonGenerator g, String name, int[] values) {
    g.writeName(name);
    g.writeArray(values, 0, values.length);
  }

  private static void writeDoubles(JsonGenerator g, String name, double[] values) {
    g.writeName(name);
    g.writeArray(values, 0, values.length);
  }

  /**
   * Reads a bundle written by {@link #write}.
   *
   * @throws IllegalArgumentException naming what is wrong when the bytes are not a bundle of this
   *     version
   */
  public static EvaluationBundle read(InputStream in) throws IOException {
    JsonNode root;
    try (GZIPInputStream gz = new GZIPInputStream(in, 1 << 16)) {
      root = MAPPER.readTree(gz);
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException("not an mlci evaluation bundle (not gzip data)");
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(
          "not an mlci evaluation bundle (not JSON): " + e.getOriginalMessage());
    }
    String schema = root.path("schema").asString("");
    if (!schema.equals(SCHEMA)) {
      throw new IllegalArgumentException(
          "bundle schema '"
              + schema
              + "'; this mlci reads '"
              + SCHEMA
              + "' (upgrade mlci, or re-evaluate)");
    }
    JsonNode p = required(root, "predictions");
    List<String> ids = strings(required(p, "ids"));
    Predictions predictions;
    if (root.path("task").asString().equals("classification")) {
      List<String> classes = strings(required(p, "classes"));
      int n = ids.size();
      double[][] scores = new double[n][classes.size()];
      JsonNode columns = required(p, "scores");
      for (int c = 0; c < classes.size(); c++) {
        JsonNode column = columns.get(c);
        for (int i = 0; i < n; i++) {
          scores[i][c] = column.get(i).asDouble();
        }
      }
      predictions =
          new ClassificationPredictions(
              ids,
              classes,
              ints(required(p, "truth")),
              ints(required(p, "predicted")),
              scores,
              p.path("probabilities").asBoolean(),
              p.path("positive").asInt(-1));
    } else {
      predictions =
          new RegressionPredictions(
              ids, doubles(required(p, "truth")), doubles(required(p, "predicted")));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    root.path("metrics")
        .properties()
        .forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    Map<String, String> undefined = new LinkedHashMap<>();
    root.path("undefined")
        .properties()
        .forEach(e -> undefined.put(e.getKey(), e.getValue().asString()));
    JsonNode commit = root.path("commit");
    return new EvaluationBundle(
        required(root, "name").asString(),
        required(root, "task").asString(),
        commit.isString() ? Optional.of(commit.asString()) : Optional.empty(),
        root.path("dirty").asBoolean(),
        required(root, "model_digest").asString(),
        required(root, "config_sha256").asString(),
        required(root, "inputs"),
        metrics,
        undefined,
        predictions);
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("the bundle lacks '" + field + "'");
    }
    return v;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add(v.asString()));
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
