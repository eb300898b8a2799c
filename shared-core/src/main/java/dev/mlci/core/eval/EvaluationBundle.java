package dev.mlci.core.eval;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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
 * <p>Format ({@value #SCHEMA}; {@value #SCHEMA_V2} when it holds {@link #replicates}, whose
 * predictions follow the main ones as a {@code replicates} array of {@code {seed, predicted,
 * scores}}, sharing the main ids and truth; both are read): gzip-compressed JSON with the
 * predictions stored column by column, so 100,000 rows stay compact (about 2 MB with two classes)
 * and load in a fraction of a second. Inspect one with {@code gunzip -c evaluation.mlci.gz | jq .};
 * in a git note it is stored per model ({@code dev.mlci.core.git.BaselineNote}).
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
 * @param replicates further trainings with other seeds ({@code gate.training_noise}), scored on the
 *     same examples in the same order; empty without training noise
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
    Predictions predictions,
    List<Replicate> replicates) {

  /** Version of the format without replicates (written byte for byte as before them). */
  public static final String SCHEMA = "mlci.bundle/v1";

  /** Version of the format with replicates ({@code gate.training_noise}). */
  public static final String SCHEMA_V2 = "mlci.bundle/v2";

  /** File name in the evaluation directory. */
  public static final String FILE = "evaluation.mlci.gz";

  /**
   * The most bytes a bundle may inflate to ({@value}, 256 MiB), checked while inflating: a small
   * gzip "bomb" (300 million zeros in 584 KB) is refused before it fills the heap. A real bundle of
   * a million two-class examples is about 40 MB.
   */
  public static final long MAX_INFLATED_BYTES = 256L << 20;

  /**
   * The most prediction values (ids, truths, predictions, scores together) a bundle may hold
   * ({@value}); about two million examples of two classes.
   */
  public static final long MAX_VALUES = 10_000_000;

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
    replicates = List.copyOf(replicates);
    for (Replicate r : replicates) {
      if (!r.predictions().ids().equals(predictions.ids())) {
        throw new IllegalArgumentException(
            "the replicate of seed " + r.seed() + " was scored on other examples");
      }
    }
  }

  /** A bundle of one training. */
  public EvaluationBundle(
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
    this(
        name,
        task,
        commit,
        dirty,
        modelDigest,
        configSha256,
        inputs,
        metrics,
        undefined,
        predictions,
        List.of());
  }

  /** The same bundle with {@code replicates}. */
  public EvaluationBundle withReplicates(List<Replicate> replicates) {
    return new EvaluationBundle(
        name,
        task,
        commit,
        dirty,
        modelDigest,
        configSha256,
        inputs,
        metrics,
        undefined,
        predictions,
        replicates);
  }

  /** The same bundle attributed to {@code commit}, not dirty (a baseline rebuilt there). */
  public EvaluationBundle atCommit(String commit) {
    return new EvaluationBundle(
        name,
        task,
        Optional.of(commit),
        false,
        modelDigest,
        configSha256,
        inputs,
        metrics,
        undefined,
        predictions,
        replicates);
  }

  /** Every training's predictions: the bundle's own first, then the replicates'. */
  public List<Predictions> allPredictions() {
    List<Predictions> all = new ArrayList<>(1 + replicates.size());
    all.add(predictions);
    replicates.forEach(r -> all.add(r.predictions()));
    return all;
  }

  /** Writes the bundle, gzip-compressed, to {@code out} (which it closes). */
  public void write(OutputStream out) throws IOException {
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        JsonGenerator g = MAPPER.createGenerator(gz)) {
      g.writeStartObject();
      g.writeStringProperty("schema", replicates.isEmpty() ? SCHEMA : SCHEMA_V2);
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
        writeScores(g, p);
      } else {
        RegressionPredictions p = (RegressionPredictions) predictions;
        writeDoubles(g, "truth", p.truth());
        writeDoubles(g, "predicted", p.predicted());
      }
      g.writeEndObject();
      if (!replicates.isEmpty()) {
        g.writeName("replicates");
        g.writeStartArray();
        for (Replicate r : replicates) {
          g.writeStartObject();
          g.writeNumberProperty("seed", r.seed());
          if (r.predictions() instanceof ClassificationPredictions p) {
            writeInts(g, "predicted", p.predicted());
            writeScores(g, p);
          } else {
            writeDoubles(g, "predicted", ((RegressionPredictions) r.predictions()).predicted());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
  }

  private static void writeScores(JsonGenerator g, ClassificationPredictions p) {
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
   * The model name of the bundle in {@code bytes} (for git notes written before notes were keyed by
   * model).
   *
   * @throws IllegalArgumentException when the bytes are not a readable bundle
   */
  public static String nameOf(byte[] bytes) {
    try {
      return read(new ByteArrayInputStream(bytes)).name();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads a bundle written by {@link #write}, streaming the prediction columns straight into arrays
   * (a 100,000-row bundle loads in well under a second).
   *
   * @throws IllegalArgumentException naming what is wrong when the bytes are not a bundle of this
   *     version
   */
  public static EvaluationBundle read(InputStream in) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    Map<String, Object> columns = new LinkedHashMap<>();
    long[] values = new long[1];
    try (InputStream gz = new Bounded(new GZIPInputStream(in, 1 << 16), MAX_INFLATED_BYTES);
        JsonParser p = MAPPER.createParser(gz)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("predictions")) {
          expect(value, JsonToken.START_OBJECT, "predictions to be an object");
          while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String column = p.currentName();
            JsonToken t = p.nextToken();
            columns.put(column, t == JsonToken.START_ARRAY ? readArray(p, values) : scalar(p, t));
          }
        } else if (name.equals("replicates")) {
          expect(value, JsonToken.START_ARRAY, "replicates to be an array");
          fields.put(name, readReplicates(p, values));
        } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          fields.put(name, (JsonNode) p.readValueAsTree());
        } else {
          fields.put(name, scalar(p, value));
        }
      }
    } catch (ZipException e) {
      throw new IllegalArgumentException("not an mlci evaluation bundle (not gzip data)");
    } catch (JacksonException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof TooLarge t) {
          throw new IllegalArgumentException(t.getMessage());
        }
      }
      throw new IllegalArgumentException(
          "not an mlci evaluation bundle (not JSON): " + e.getOriginalMessage());
    } catch (TooLarge e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    String schema = String.valueOf(fields.get("schema"));
    if (!schema.equals(SCHEMA) && !schema.equals(SCHEMA_V2)) {
      throw new IllegalArgumentException(
          "bundle schema '"
              + schema
              + "'; this mlci reads '"
              + SCHEMA
              + "' and '"
              + SCHEMA_V2
              + "' (upgrade mlci, or re-evaluate)");
    }
    try {
      return assemble(fields, columns);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // A bundle is anyone's input (a pushed note): a field of the wrong shape or type (fuzzing
      // found a metric that is a string: JsonNodeException) is a malformed bundle, never a crash.
      throw new IllegalArgumentException("the bundle's predictions are malformed (" + e + ")");
    }
  }

  private static EvaluationBundle assemble(
      Map<String, Object> fields, Map<String, Object> columns) {
    List<String> ids = strings(column(columns, "ids"));
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("the bundle holds no predictions");
    }
    if (new HashSet<>(ids).size() != ids.size()) {
      throw new IllegalArgumentException(
          "the bundle repeats example ids, so examples cannot be matched");
    }
    Predictions predictions;
    if ("classification".equals(fields.get("task"))) {
      List<String> classes = strings(column(columns, "classes"));
      double[][] scores = scores(column(columns, "scores"), classes.size(), ids.size());
      predictions =
          new ClassificationPredictions(
              ids,
              classes,
              ints(column(columns, "truth")),
              ints(column(columns, "predicted")),
              scores,
              Boolean.TRUE.equals(columns.get("probabilities")),
              columns.get("positive") instanceof Number pos ? pos.intValue() : -1);
    } else {
      predictions =
          new RegressionPredictions(
              ids, doubles(column(columns, "truth")), doubles(column(columns, "predicted")));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    node(fields, "metrics")
        .properties()
        .forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    Map<String, String> undefined = new LinkedHashMap<>();
    node(fields, "undefined")
        .properties()
        .forEach(e -> undefined.put(e.getKey(), e.getValue().asString()));
    Object commit = fields.get("commit");
    return new EvaluationBundle(
        text(fields, "name"),
        text(fields, "task"),
        commit instanceof String c ? Optional.of(c) : Optional.empty(),
        Boolean.TRUE.equals(fields.get("dirty")),
        text(fields, "model_digest"),
        text(fields, "config_sha256"),
        node(fields, "inputs"),
        metrics,
        undefined,
        predictions,
        replicates(fields.get("replicates"), predictions));
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) {
    if (actual != expected) {
      throw new IllegalArgumentException("not an mlci evaluation bundle (expected " + what + ")");
    }
  }

  private static Object scalar(JsonParser p, JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> p.getString();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }

  /** The {@code replicates} array: objects of a seed and prediction columns. */
  private static List<Map<String, Object>> readReplicates(JsonParser p, long[] values) {
    List<Map<String, Object>> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(t, JsonToken.START_OBJECT, "each replicate to be an object");
      Map<String, Object> r = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String column = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT) {
          throw new IllegalArgumentException(
              "not an mlci evaluation bundle (replicate field '" + column + "' is an object)");
        }
        r.put(column, v == JsonToken.START_ARRAY ? readArray(p, values) : scalar(p, v));
      }
      out.add(r);
    }
    return out;
  }

  private static List<Replicate> replicates(Object value, Predictions main) {
    if (value == null) {
      return List.of();
    }
    List<Replicate> out = new ArrayList<>();
    for (Object o : (List<?>) value) {
      Map<?, ?> r = (Map<?, ?>) o;
      if (!(r.get("seed") instanceof Number seed)) {
        throw new IllegalArgumentException("a replicate of the bundle lacks its seed");
      }
      int n = main.size();
      if (main instanceof ClassificationPredictions c) {
        if (!(r.get("predicted") instanceof List<?> predicted)
            || !(r.get("scores") instanceof List<?> scoreColumns)) {
          throw new IllegalArgumentException(
              "the replicate of seed " + seed + " lacks 'predicted' or 'scores'");
        }
        double[][] scores = scores(scoreColumns, c.classes().size(), n);
        int[] guess = ints(predicted);
        out.add(
            new Replicate(
                seed.longValue(),
                new ClassificationPredictions(
                    c.ids(),
                    c.classes(),
                    c.truth(),
                    guess,
                    scores,
                    c.probabilities(),
                    c.positive())));
      } else {
        RegressionPredictions m = (RegressionPredictions) main;
        if (!(r.get("predicted") instanceof List<?> predicted)) {
          throw new IllegalArgumentException(
              "the replicate of seed " + seed + " lacks 'predicted'");
        }
        out.add(
            new Replicate(
                seed.longValue(),
                new RegressionPredictions(m.ids(), m.truth(), doubles(predicted))));
      }
    }
    return out;
  }

  private static double[][] scores(List<?> scoreColumns, int classes, int n) {
    if (scoreColumns.size() != classes) {
      throw new IllegalArgumentException(
          "the bundle has " + scoreColumns.size() + " score columns for " + classes + " classes");
    }
    double[][] scores = new double[n][classes];
    for (int c = 0; c < classes; c++) {
      double[] column = doubles((List<?>) scoreColumns.get(c));
      if (column.length != n) {
        throw new IllegalArgumentException(
            "score column " + c + " has " + column.length + " values for " + n + " examples");
      }
      for (int i = 0; i < n; i++) {
        scores[i][c] = column[i];
      }
    }
    return scores;
  }

  /** An array, read into a list of strings, numbers or nested lists. */
  private static List<Object> readArray(JsonParser p, long[] values) {
    List<Object> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IllegalArgumentException("not an mlci evaluation bundle (the JSON ends early)");
      }
      if (++values[0] > MAX_VALUES) {
        throw new IllegalArgumentException(
            "the bundle holds more than " + MAX_VALUES + " prediction values, the limit");
      }
      out.add(t == JsonToken.START_ARRAY ? readArray(p, values) : scalar(p, t));
    }
    return out;
  }

  /** Inflating past the limit. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("the bundle inflates to more than " + limit + " bytes, the limit");
    }
  }

  /** Counts what is read and fails past {@code limit} bytes. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long read;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws TooLarge {
      read += n;
      if (read > limit) {
        throw new TooLarge(limit);
      }
    }
  }

  private static List<?> column(Map<String, Object> columns, String name) {
    if (!(columns.get(name) instanceof List<?> list)) {
      throw new IllegalArgumentException("the bundle lacks the predictions column '" + name + "'");
    }
    return list;
  }

  private static String text(Map<String, Object> fields, String name) {
    if (!(fields.get(name) instanceof String s)) {
      throw new IllegalArgumentException("the bundle lacks '" + name + "'");
    }
    return s;
  }

  private static JsonNode node(Map<String, Object> fields, String name) {
    if (!(fields.get(name) instanceof JsonNode n)) {
      throw new IllegalArgumentException("the bundle lacks '" + name + "'");
    }
    return n;
  }

  private static List<String> strings(List<?> values) {
    List<String> out = new ArrayList<>(values.size());
    values.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }

  private static int[] ints(List<?> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).intValue();
    }
    return out;
  }

  private static double[] doubles(List<?> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).doubleValue();
    }
    return out;
  }
}
