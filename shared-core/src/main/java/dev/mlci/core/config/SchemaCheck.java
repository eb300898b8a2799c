package dev.mlci.core.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * Validates an ml.yaml tree against {@code schema/ml.schema.json}, the same schema editors use, and
 * turns each violation into a {@link Problem} with the line, the key, "did you mean" and the fix.
 */
final class SchemaCheck {
  /**
   * Classpath location of the schema (copied from the repository's {@code schema/} folder at build
   * time).
   */
  static final String SCHEMA_RESOURCE = "/dev/mlci/core/config/ml.schema.json";

  private static final class Holder {
    static final JsonNode SCHEMA_JSON = readSchema();
  }

  /**
   * The full validator and the key index of its messages, built on first use: only for a config
   * that {@link SchemaConformance} does not pass.
   */
  private static final class Validator {
    static final SchemaKeys KEYS = SchemaKeys.of(Holder.SCHEMA_JSON);
    static final Schema SCHEMA =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Holder.SCHEMA_JSON);
  }

  private SchemaCheck() {}

  /** The schema as JSON, e.g. to read declared defaults. */
  static JsonNode schemaJson() {
    return Holder.SCHEMA_JSON;
  }

  private static JsonNode readSchema() {
    try (InputStream in = SchemaCheck.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "mlci is built wrongly: " + SCHEMA_RESOURCE + " is not on the classpath");
      }
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The problems of {@code doc}, ordered by position; empty when it conforms. A config that {@link
   * SchemaConformance} finds conforming for certain is not validated again.
   */
  static List<Problem> check(YamlDocument doc) {
    if (SchemaConformance.check(Holder.SCHEMA_JSON, doc.root())
        == SchemaConformance.Answer.CONFORMS) {
      return List.of();
    }
    return validate(doc);
  }

  /** The full validator's problems of {@code doc}, ordered by position. */
  static List<Problem> validate(YamlDocument doc) {
    // The validator compares a whole number with a schema's integer bound as a long, and throws on
    // one beyond a long's range (seed: -9.3e18): such a number is reported here, never validated.
    Optional<String> huge = beyondLong(doc.root(), "");
    if (huge.isPresent()) {
      String at = huge.get();
      return List.of(
          located(
              doc,
              doc.valueAt(at),
              at,
              doc.root().at(at).asString() + " is out of range: it is beyond a 64-bit integer.",
              "Give a whole number between -9223372036854775808 and 9223372036854775807."));
    }
    List<Error> errors = errors(doc.root());
    // The same instance can fail a general and a task-specific rule (e.g. an unknown trainer fails
    // both the list of
    // all trainers and the list for the task); keep the specific one.
    Map<String, Error> byPlace = new LinkedHashMap<>();
    for (Error e : errors) {
      String key = pointer(e.getInstanceLocation()) + "|" + e.getKeyword() + "|" + e.getProperty();
      Error previous = byPlace.get(key);
      if (previous == null || schemaPointer(e).contains("/then/")) {
        byPlace.put(key, e);
      }
    }
    // A misspelt required key fails twice: as unknown ('targt') and as missing ('target'). Report
    // it once, as the
    // misspelling with its suggestion.
    Set<String> suggested = new HashSet<>();
    for (Error e : byPlace.values()) {
      if (e.getKeyword().equals("additionalProperties")) {
        List<String> valid =
            names(Holder.SCHEMA_JSON.at(parent(schemaPointer(e))).path("properties"));
        DidYouMean.suggest(e.getProperty(), valid)
            .ifPresent(s -> suggested.add(pointer(e.getInstanceLocation()) + "/" + s));
      }
    }
    List<Problem> problems = new ArrayList<>();
    for (Error e : byPlace.values()) {
      boolean misspelt =
          e.getKeyword().equals("required")
              && suggested.contains(pointer(e.getInstanceLocation()) + "/" + e.getProperty());
      if (!misspelt) {
        problems.add(translate(doc, e));
      }
    }
    problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return problems;
  }

  /**
   * The first floating-point whole number in {@code node} outside a long's range, as a JSON pointer
   * (the validator reports big integers itself).
   */
  private static Optional<String> beyondLong(JsonNode node, String pointer) {
    if (node.isFloatingPointNumber()) {
      double v = node.asDouble();
      return Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) >= 0x1p63
          ? Optional.of(pointer)
          : Optional.empty();
    }
    if (node.isObject()) {
      for (var e : node.properties()) {
        Optional<String> found =
            beyondLong(e.getValue(), pointer + "/" + YamlDocument.escape(e.getKey()));
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<String> found = beyondLong(node.get(i), pointer + "/" + i);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** The full validator's verdict on a tree: its violations, none when it conforms. */
  static List<Error> errors(JsonNode root) {
    return Validator.SCHEMA.validate(root);
  }

  private static Problem translate(YamlDocument doc, Error e) {
    String at = pointer(e.getInstanceLocation());
    JsonNode value = doc.root().at(at);
    String keyword = e.getKeyword();
    String schemaAt = schemaPointer(e);
    JsonNode rule = Holder.SCHEMA_JSON.at(schemaAt);
    switch (keyword) {
      case "additionalProperties" -> {
        String property = e.getProperty();
        String child = at + "/" + YamlDocument.escape(property);
        JsonNode parentSchema = Holder.SCHEMA_JSON.at(parent(schemaAt));
        List<String> valid = names(parentSchema.path("properties"));
        boolean param = at.endsWith("/model/params");
        String what = param ? "parameter" : "key";
        String message =
            param
                ? "unknown parameter '"
                    + property
                    + "' for trainer "
                    + doc.root().at("/model/trainer").asString()
                    + "."
                : "unknown key '" + property + "'.";
        Optional<String> near = DidYouMean.suggest(property, valid);
        List<String> elsewhere =
            param || near.isPresent()
                ? List.of()
                : Validator.KEYS.elsewhere(
                    property, YamlDocument.displayPath(at).replaceAll("\\[\\d+\\]", "[]"));
        String fix =
            near.map(s -> "did you mean '" + s + "'? ").orElse("")
                + (elsewhere.isEmpty()
                    ? ""
                    : "'"
                        + property
                        + "' belongs under "
                        + elsewhere.stream()
                            .map(
                                p ->
                                    p.contains(".")
                                        ? p.substring(0, p.lastIndexOf('.'))
                                        : "the top level")
                            .collect(Collectors.joining(" or "))
                        + ": write it as "
                        + String.join(" or ", elsewhere)
                        + ". ")
                + (valid.isEmpty()
                    ? "remove it."
                    : "Valid " + what + "s here: " + String.join(", ", valid) + ".");
        return located(doc, doc.keyAt(child), child, message, capitalize(fix));
      }
      case "required" -> {
        String property = e.getProperty();
        JsonNode propertySchema =
            Holder.SCHEMA_JSON.at(parent(schemaAt) + "/properties/" + property);
        String where =
            at.isEmpty() ? "at the top level" : "under '" + YamlDocument.displayPath(at) + "'";
        return located(
            doc,
            doc.valueAt(at),
            at + "/" + YamlDocument.escape(property),
            "the required key '" + property + "' is missing " + where + ".",
            "add '" + property + ":'" + describe(propertySchema));
      }
      case "type" -> {
        List<String> types = rule.isArray() ? strings(rule) : List.of(rule.asString());
        String expected = String.join(" or ", types.stream().map(SchemaCheck::article).toList());
        return located(
            doc,
            doc.valueAt(at),
            at,
            "expected " + expected + ", got " + show(value) + ".",
            "write " + expected + describe(propertySchema(schemaAt)));
      }
      case "enum" -> {
        List<String> valid = strings(rule);
        String given = value.isString() ? value.asString() : value.toString();
        String thing =
            at.endsWith("/trainer") ? "trainer" : at.startsWith("/metrics/") ? "metric" : "value";
        String scope =
            at.endsWith("/trainer") && doc.root().path("task").isString()
                ? " for task " + doc.root().path("task").asString()
                : "";
        Optional<String> otherTask = otherTask(at, given);
        if (otherTask.isPresent()) {
          return located(
              doc,
              doc.valueAt(at),
              at,
              show(value)
                  + " is a "
                  + otherTask.get()
                  + " "
                  + (thing.equals("trainer") ? "trainer" : "metric")
                  + ", but task is "
                  + doc.root().path("task").asString()
                  + ".",
              "use one of: " + String.join(", ", valid) + " (or change 'task').");
        }
        String fix =
            DidYouMean.suggest(given, valid).map(s -> "did you mean '" + s + "'? ").orElse("")
                + "Valid: "
                + String.join(", ", valid)
                + ".";
        return located(
            doc,
            doc.valueAt(at),
            at,
            "unknown " + thing + " " + show(value) + scope + ".",
            capitalize(fix));
      }
      case "const" -> {
        if (at.equals("/version")) {
          return located(
              doc,
              doc.valueAt(at),
              at,
              "unsupported format version "
                  + show(value)
                  + "; this mlci reads version "
                  + rule
                  + ".",
              "write 'version: " + rule + "', or upgrade mlci to one that reads this version.");
        }
        return located(
            doc, doc.valueAt(at), at, "must be " + rule + ", got " + show(value) + ".", "");
      }
      case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> {
        String bound =
            switch (keyword) {
              case "minimum" -> ">= ";
              case "maximum" -> "<= ";
              case "exclusiveMinimum" -> "> ";
              default -> "< ";
            };
        JsonNode schema = propertySchema(schemaAt);
        return located(
            doc,
            doc.valueAt(at),
            at,
            show(value)
                + " is out of range: it must be "
                + bound
                + rule
                + range(schema, keyword)
                + ".",
            "pick a value in range" + describe(schema));
      }
      case "minItems" -> {
        return located(
            doc,
            doc.valueAt(at),
            at,
            "the list is empty.",
            "list at least one item, or remove the key to use the default"
                + describe(propertySchema(schemaAt)));
      }
      case "uniqueItems" -> {
        return located(
            doc, doc.valueAt(at), at, "the list repeats an item.", "list each item once.");
      }
      case "minLength" -> {
        return located(
            doc,
            doc.valueAt(at),
            at,
            "the value is empty.",
            "write a value" + describe(propertySchema(schemaAt)));
      }
      case "pattern" -> {
        return located(
            doc,
            doc.valueAt(at),
            at,
            show(value) + " is not allowed here.",
            capitalize(propertySchema(schemaAt).path("description").asString("")));
      }
      default -> {
        return located(doc, doc.valueAt(at), at, e.getMessage() + ".", "");
      }
    }
  }

  /** For a trainer or metric valid only for the other task: that task's name. */
  private static Optional<String> otherTask(String at, String value) {
    boolean trainer = at.equals("/model/trainer");
    boolean metric = at.startsWith("/metrics/") || at.matches("/gate/(rules|accept)/\\d+/metric");
    if (!trainer && !metric) {
      return Optional.empty();
    }
    for (JsonNode clause : Holder.SCHEMA_JSON.path("allOf")) {
      JsonNode allowed =
          trainer
              ? clause.at("/then/properties/model/properties/trainer/enum")
              : clause.at("/then/properties/metrics/items/enum");
      if (strings(allowed).contains(value)) {
        return Optional.of(clause.at("/if/properties/task/const").asString());
      }
    }
    return Optional.empty();
  }

  private static Problem located(
      YamlDocument doc, YamlDocument.Position pos, String pointer, String message, String fix) {
    return Problem.at(
        doc.file(), pos.line(), pos.column(), YamlDocument.displayPath(pointer), message, fix);
  }

  /** The schema of the property a keyword belongs to: the parent of the keyword's location. */
  private static JsonNode propertySchema(String schemaAt) {
    return Holder.SCHEMA_JSON.at(parent(schemaAt));
  }

  private static String range(JsonNode schema, String keyword) {
    // Name the other bound too, so "must be > 0" also says "and < 1" where both exist.
    String other =
        switch (keyword) {
          case "exclusiveMinimum" ->
              schema.has("exclusiveMaximum")
                  ? " and < " + schema.get("exclusiveMaximum")
                  : schema.has("maximum") ? " and <= " + schema.get("maximum") : "";
          case "minimum" ->
              schema.has("exclusiveMaximum")
                  ? " and < " + schema.get("exclusiveMaximum")
                  : schema.has("maximum") ? " and <= " + schema.get("maximum") : "";
          case "exclusiveMaximum" ->
              schema.has("exclusiveMinimum")
                  ? " and > " + schema.get("exclusiveMinimum")
                  : schema.has("minimum") ? " and >= " + schema.get("minimum") : "";
          default ->
              schema.has("exclusiveMinimum")
                  ? " and > " + schema.get("exclusiveMinimum")
                  : schema.has("minimum") ? " and >= " + schema.get("minimum") : "";
        };
    return other;
  }

  private static String describe(JsonNode schema) {
    String d = schema.path("description").asString("");
    return d.isEmpty() ? "." : " (" + decapitalize(stripPeriod(d)) + ").";
  }

  private static String stripPeriod(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String article(String type) {
    return switch (type) {
      case "integer" -> "an integer";
      case "object" -> "a mapping of keys";
      case "array" -> "a list";
      case "string" -> "a text value";
      case "boolean" -> "true or false";
      case "number" -> "a number";
      default -> type;
    };
  }

  private static String show(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isString()) {
      return "'" + value.asString() + "'";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isNull()) {
      return "an empty value";
    }
    return value.toString();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>(object.propertyNames());
    return names;
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asString)
        .collect(Collectors.toList());
  }

  private static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? "" : pointer.substring(0, slash);
  }

  private static String schemaPointer(Error e) {
    String location = e.getSchemaLocation().toString();
    int hash = location.indexOf('#');
    return hash < 0 ? "" : location.substring(hash + 1);
  }

  /** Renders a validator path as a JSON Pointer. */
  static String pointer(NodePath path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      sb.append('/').append(YamlDocument.escape(String.valueOf(element)));
    }
    return sb.toString();
  }

  static Optional<JsonNode> declaredParams(Task task, String trainer) {
    for (JsonNode clause : Holder.SCHEMA_JSON.path("allOf")) {
      JsonNode cond = clause.path("if").path("properties");
      if (task.yamlName().equals(cond.path("task").path("const").asString(""))
          && trainer.equals(
              cond.path("model").path("properties").path("trainer").path("const").asString(""))) {
        return Optional.of(
            clause
                .path("then")
                .path("properties")
                .path("model")
                .path("properties")
                .path("params")
                .path("properties"));
      }
    }
    return Optional.empty();
  }
}
