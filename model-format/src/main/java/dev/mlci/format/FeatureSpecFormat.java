package dev.mlci.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Reads and writes {@code features.json}, versioned by {@link FeatureSpec#SCHEMA}. */
public final class FeatureSpecFormat {
  private FeatureSpecFormat() {}

  public static ObjectNode toJson(FeatureSpec spec) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("schema", FeatureSpec.SCHEMA);
    ArrayNode columns = root.putArray("columns");
    for (ColumnSpec c : spec.columns()) {
      ObjectNode col = columns.addObject();
      col.put("name", c.name());
      col.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
      if (c.kind() == ColumnSpec.Kind.NUMERIC) {
        col.put("center", c.center());
        col.put("scale", c.scale());
        col.put("impute", c.impute());
      } else {
        ArrayNode levels = col.putArray("levels");
        c.levels().forEach(levels::add);
        col.put("impute", c.imputeLevel());
      }
    }
    ObjectNode target = root.putObject("target");
    target.put("name", spec.target().name());
    if (spec.target().isClassification()) {
      ArrayNode classes = target.putArray("classes");
      spec.target().classes().forEach(classes::add);
      spec.target().positiveClass().ifPresent(p -> target.put("positive_class", p));
    }
    ArrayNode na = root.putArray("na_values");
    spec.naValues().forEach(na::add);
    root.put("impute_missing", spec.imputeMissing());
    ArrayNode names = root.putArray("feature_names");
    spec.featureNames().forEach(names::add);
    return root;
  }

  /**
   * Reads a spec written by {@link #toJson}.
   *
   * @throws IllegalArgumentException naming the first field that is missing or wrong
   */
  public static FeatureSpec fromJson(JsonNode root) {
    String schema = root.path("schema").asString("");
    if (!FeatureSpec.SCHEMA.equals(schema)) {
      throw new IllegalArgumentException(
          "features.json has schema '"
              + schema
              + "'; this version reads '"
              + FeatureSpec.SCHEMA
              + "'");
    }
    List<ColumnSpec> columns = new ArrayList<>();
    for (JsonNode col : required(root, "columns")) {
      String name = required(col, "name").asString();
      String kind = required(col, "kind").asString();
      if (kind.equals("numeric")) {
        columns.add(
            ColumnSpec.numeric(
                name,
                required(col, "center").asDouble(),
                required(col, "scale").asDouble(),
                required(col, "impute").asDouble()));
      } else if (kind.equals("categorical")) {
        List<String> levels = new ArrayList<>();
        required(col, "levels").forEach(l -> levels.add(l.asString()));
        columns.add(ColumnSpec.categorical(name, levels, required(col, "impute").asString()));
      } else {
        throw new IllegalArgumentException("column " + name + " has unknown kind '" + kind + "'");
      }
    }
    JsonNode t = required(root, "target");
    List<String> classes = new ArrayList<>();
    t.path("classes").forEach(c -> classes.add(c.asString()));
    Optional<String> positive =
        t.has("positive_class")
            ? Optional.of(t.get("positive_class").asString())
            : Optional.empty();
    List<String> na = new ArrayList<>();
    root.path("na_values").forEach(v -> na.add(v.asString()));
    return new FeatureSpec(
        columns,
        new TargetSpec(required(t, "name").asString(), classes, positive),
        na,
        root.path("impute_missing").asBoolean(false));
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("features.json: '" + field + "' is missing");
    }
    return value;
  }
}
