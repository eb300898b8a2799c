package dev.mlci.core.eval;

import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.ProfileJson;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an {@link EvaluationBundle} back, streaming the prediction columns straight into arrays and
 * refusing, with a message naming what is wrong, anything that is not a bundle of a version this
 * mlci reads.
 */
final class BundleReader {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private BundleReader() {}

  /** See {@link EvaluationBundle#read}. */
  static EvaluationBundle read(InputStream in) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    Map<String, Object> columns = new LinkedHashMap<>();
    long[] values = new long[1];
    try (InputStream gz =
            new Bounded(new GZIPInputStream(in, 1 << 16), EvaluationBundle.MAX_INFLATED_BYTES);
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
    if (!schema.equals(EvaluationBundle.SCHEMA) && !schema.equals(EvaluationBundle.SCHEMA_V2)) {
      throw new IllegalArgumentException(
          "bundle schema '"
              + schema
              + "'; this mlci reads '"
              + EvaluationBundle.SCHEMA
              + "' and '"
              + EvaluationBundle.SCHEMA_V2
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
        replicates(fields.get("replicates"), predictions),
        dataProfile(fields.get("data_profile")));
  }

  private static Optional<DataProfile> dataProfile(Object field) {
    if (field == null) {
      return Optional.empty();
    }
    if (!(field instanceof JsonNode n)) {
      throw new IllegalArgumentException("the bundle's data_profile is not an object");
    }
    try {
      return Optional.of(ProfileJson.read(n));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the bundle's data profile is malformed: " + e.getMessage());
    }
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
      if (++values[0] > EvaluationBundle.MAX_VALUES) {
        throw new IllegalArgumentException(
            "the bundle holds more than "
                + EvaluationBundle.MAX_VALUES
                + " prediction values, the limit");
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
