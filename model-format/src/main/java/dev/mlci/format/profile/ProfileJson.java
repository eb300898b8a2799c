package dev.mlci.format.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a {@link DataProfile} ({@value DataProfile#SCHEMA}):
 *
 * <pre>{@code
 * {"schema": "mlci.profile/v1",
 *  "splits": {"train": {"rows": 800,
 *                       "features": [{"name": "age", "kind": "number", "count": 790, "missing": 10,
 *                                     "mean": .., "std": .., "min": .., "max": .., "quantiles": [..]},
 *                                    {"name": "city", "kind": "category", "count": 800, "missing": 0,
 *                                     "categories": {"Paris": 500, "Rome": 300}, "other": 0,
 *                                     "distinct": 2}],
 *                       "target": {...}},
 *             "test": {...}}}
 * }</pre>
 *
 * Reading checks every field: a profile comes from a bundle or a model directory anyone may write.
 */
public final class ProfileJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ProfileJson() {}

  public static ObjectNode write(DataProfile profile) {
    ObjectNode root = F.objectNode();
    root.put("schema", DataProfile.SCHEMA);
    ObjectNode splits = root.putObject("splits");
    profile.splits().forEach((name, t) -> splits.set(name, write(t)));
    return root;
  }

  public static ObjectNode write(TableProfile t) {
    ObjectNode n = F.objectNode();
    n.put("rows", t.rows());
    ArrayNode features = n.putArray("features");
    t.features().forEach(c -> features.add(write(c)));
    t.target().ifPresent(c -> n.set("target", write(c)));
    return n;
  }

  public static ObjectNode write(ColumnProfile c) {
    ObjectNode n = F.objectNode();
    n.put("name", c.name());
    n.put("kind", c.kind().yamlName());
    n.put("count", c.count());
    n.put("missing", c.missing());
    if (c.kind() == ColumnProfile.Kind.NUMBER) {
      if (c.count() > 0) {
        n.put("mean", c.mean());
        n.put("std", c.std());
        n.put("min", c.min());
        n.put("max", c.max());
        ArrayNode q = n.putArray("quantiles");
        for (double v : c.quantiles()) {
          q.add(v);
        }
      }
    } else {
      ObjectNode cats = n.putObject("categories");
      c.categories().forEach(cats::put);
      n.put("other", c.other());
      n.put("distinct", c.distinct());
    }
    return n;
  }

  /**
   * The profile in {@code root}.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static DataProfile read(JsonNode root) {
    String schema = root.path("schema").isString() ? root.path("schema").asString() : "";
    if (!schema.equals(DataProfile.SCHEMA)) {
      throw new IllegalArgumentException(
          "the data profile's schema is '"
              + schema
              + "'; this mlci reads '"
              + DataProfile.SCHEMA
              + "'");
    }
    JsonNode splits = object(root, "splits", "the data profile");
    Map<String, TableProfile> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : splits.properties()) {
      out.put(e.getKey(), readTable(e.getValue(), "split " + e.getKey()));
    }
    return new DataProfile(out);
  }

  public static TableProfile readTable(JsonNode n, String where) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("the profile of " + where + " is not an object");
    }
    long rows = count(n, "rows", where);
    JsonNode features = n.path("features");
    if (!features.isArray()) {
      throw new IllegalArgumentException("the profile of " + where + " has no features array");
    }
    List<ColumnProfile> columns = new ArrayList<>();
    for (JsonNode c : features) {
      columns.add(readColumn(c, where));
    }
    Optional<ColumnProfile> target =
        n.has("target") ? Optional.of(readColumn(n.get("target"), where)) : Optional.empty();
    return new TableProfile(rows, columns, target);
  }

  public static ColumnProfile readColumn(JsonNode n, String where) {
    if (!n.isObject() || !n.path("name").isString() || !n.path("kind").isString()) {
      throw new IllegalArgumentException(
          "a column of " + where + " lacks its name or kind in the data profile");
    }
    String name = n.get("name").asString();
    String at = "column " + name + " of " + where;
    ColumnProfile.Kind kind = ColumnProfile.Kind.fromYaml(n.get("kind").asString());
    long count = count(n, "count", at);
    long missing = count(n, "missing", at);
    if (kind == ColumnProfile.Kind.NUMBER) {
      if (count == 0) {
        return new ColumnProfile(
            name,
            kind,
            0,
            missing,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            new double[0],
            Map.of(),
            0,
            0);
      }
      JsonNode q = n.path("quantiles");
      if (!q.isArray() || q.isEmpty()) {
        throw new IllegalArgumentException("the " + at + " has no quantiles");
      }
      double[] quantiles = new double[q.size()];
      for (int i = 0; i < quantiles.length; i++) {
        if (!q.get(i).isNumber()) {
          throw new IllegalArgumentException("quantile " + i + " of the " + at + " is no number");
        }
        quantiles[i] = q.get(i).asDouble();
      }
      return new ColumnProfile(
          name,
          kind,
          count,
          missing,
          number(n, "mean", at),
          number(n, "std", at),
          number(n, "min", at),
          number(n, "max", at),
          quantiles,
          Map.of(),
          0,
          0);
    }
    JsonNode cats = object(n, "categories", "the " + at);
    Map<String, Long> categories = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : cats.properties()) {
      if (!e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
        throw new IllegalArgumentException(
            "the count of category '" + e.getKey() + "' of the " + at + " is not a count");
      }
      categories.put(e.getKey(), e.getValue().asLong());
    }
    return new ColumnProfile(
        name,
        kind,
        count,
        missing,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        new double[0],
        categories,
        count(n, "other", at),
        (int) Math.min(Integer.MAX_VALUE, count(n, "distinct", at)));
  }

  private static JsonNode object(JsonNode n, String field, String where) {
    JsonNode v = n.path(field);
    if (!v.isObject()) {
      throw new IllegalArgumentException(where + " has no '" + field + "' object");
    }
    return v;
  }

  private static long count(JsonNode n, String field, String where) {
    JsonNode v = n.path(field);
    if (!v.isIntegralNumber() || v.asLong() < 0) {
      throw new IllegalArgumentException(
          "'" + field + "' of the " + where + " is not a count (a whole number >= 0)");
    }
    return v.asLong();
  }

  private static double number(JsonNode n, String field, String where) {
    JsonNode v = n.path(field);
    if (!v.isNumber()) {
      throw new IllegalArgumentException("'" + field + "' of the " + where + " is not a number");
    }
    return v.asDouble();
  }
}
