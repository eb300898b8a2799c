package dev.mlci.core.config;

import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Whether a tree conforms to a JSON Schema, for the keywords {@code schema/ml.schema.json} uses: a
 * quick first look that spares a valid ml.yaml the full validator (networknt's, ~250 classes and
 * most of a no-op {@code mlci gate}'s time before its step starts: bench/startup, BENCHMARKS.md).
 * The full validator still judges every config this check does not pass, and gives the messages.
 *
 * <p>The answer is {@link Answer#CONFORMS} only when every keyword on the way holds for certain;
 * {@link Answer#VIOLATES} only when one fails for certain; {@link Answer#UNSURE} wherever this
 * check and the full validator could read a keyword differently: a keyword it does not know, a
 * whole float where an integer is asked for, numbers of different kinds compared for equality, a
 * number within rounding of a bound, a non-ASCII string matched against a pattern. An unsure {@code
 * if} makes the whole answer unsure. SchemaConformanceTest holds the answers to the full
 * validator's on the examples and on thousands of variants of them.
 */
final class SchemaConformance {
  /** The three answers. */
  enum Answer {
    CONFORMS,
    VIOLATES,
    UNSURE;

    /** Both hold: a certain failure wins, then doubt. */
    Answer and(Answer other) {
      return this == VIOLATES || other == VIOLATES
          ? VIOLATES
          : this == UNSURE || other == UNSURE ? UNSURE : CONFORMS;
    }

    static Answer of(boolean holds) {
      return holds ? CONFORMS : VIOLATES;
    }
  }

  /** Keywords that say nothing about validity. */
  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "$comment", "title", "description", "default", "examples");

  /** Relative distance from a bound within which a comparison is left to the full validator. */
  private static final double ROUNDING = 1e-9;

  private SchemaConformance() {}

  /** How {@code instance} stands against {@code schema}. */
  static Answer check(JsonNode schema, JsonNode instance) {
    if (schema.isBoolean()) {
      return Answer.of(schema.booleanValue());
    }
    if (!schema.isObject()) {
      return Answer.UNSURE;
    }
    return every(
        schema.properties(),
        e ->
            ANNOTATIONS.contains(e.getKey())
                    || e.getKey().equals("then")
                    || e.getKey().equals("else")
                ? Answer.CONFORMS
                : keyword(e.getKey(), e.getValue(), schema, instance));
  }

  /** The answers of {@code each} over {@code items} together, up to the first certain failure. */
  private static <T> Answer every(Iterable<T> items, Function<T, Answer> each) {
    Answer answer = Answer.CONFORMS;
    for (T item : items) {
      answer = answer.and(each.apply(item));
      if (answer == Answer.VIOLATES) {
        return answer;
      }
    }
    return answer;
  }

  private static Answer keyword(String keyword, JsonNode value, JsonNode schema, JsonNode node) {
    return switch (keyword) {
      case "type" -> type(value, node);
      case "enum" -> oneOfValues(value, node);
      case "const" -> same(value, node);
      case "properties" -> properties(value, node);
      case "additionalProperties" -> additional(value, schema.path("properties"), node);
      case "required" -> required(value, node);
      case "minProperties" -> node.isObject() ? count(node.size(), value, true) : Answer.CONFORMS;
      case "items" -> items(value, node);
      case "minItems" -> node.isArray() ? count(node.size(), value, true) : Answer.CONFORMS;
      case "maxItems" -> node.isArray() ? count(node.size(), value, false) : Answer.CONFORMS;
      case "uniqueItems" ->
          value.isBoolean() && !value.booleanValue() ? Answer.CONFORMS : unique(node);
      case "minLength", "maxLength" ->
          node.isString()
              ? count(
                  node.asString().codePointCount(0, node.asString().length()),
                  value,
                  keyword.equals("minLength"))
              : Answer.CONFORMS;
      case "pattern" -> pattern(value, node);
      case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" ->
          bound(keyword, value, node);
      case "allOf" -> allOf(value, node);
      case "if" -> condition(value, schema, node);
      default -> Answer.UNSURE;
    };
  }

  private static Answer type(JsonNode types, JsonNode node) {
    if (types.isString()) {
      return type(types.asString(), node);
    }
    if (!types.isArray()) {
      return Answer.UNSURE;
    }
    return any(types, t -> type(t.asString(), node));
  }

  /** Whether one answer of {@code each} over {@code items} conforms: certain, or unsure. */
  private static Answer any(JsonNode items, Function<JsonNode, Answer> each) {
    Answer answer = Answer.VIOLATES;
    for (JsonNode item : items) {
      Answer a = each.apply(item);
      if (a == Answer.CONFORMS) {
        return a;
      }
      if (a == Answer.UNSURE) {
        answer = a;
      }
    }
    return answer;
  }

  private static Answer type(String type, JsonNode node) {
    return switch (type) {
      case "object" -> Answer.of(node.isObject());
      case "array" -> Answer.of(node.isArray());
      case "string" -> Answer.of(node.isString());
      case "boolean" -> Answer.of(node.isBoolean());
      case "null" -> Answer.of(node.isNull());
      // NaN and the infinities (YAML's .nan, .inf) are no JSON numbers: the full validator's call.
      case "number" ->
          node.isNumber() && !Double.isFinite(node.doubleValue())
              ? Answer.UNSURE
              : Answer.of(node.isNumber());
      case "integer" ->
          node.isIntegralNumber()
              ? Answer.CONFORMS
              : node.isNumber() && !isFraction(node.doubleValue())
                  ? Answer.UNSURE
                  : Answer.VIOLATES;
      default -> Answer.UNSURE;
    };
  }

  /** A finite number with a fractional part: no integer, however the validator reads floats. */
  private static boolean isFraction(double v) {
    return Double.isFinite(v) && v != Math.rint(v);
  }

  private static Answer oneOfValues(JsonNode values, JsonNode node) {
    if (!values.isArray()) {
      return Answer.UNSURE;
    }
    return any(values, v -> same(v, node));
  }

  /**
   * Whether two values are equal: certain for strings, booleans, null, integers with integers and
   * floats with floats; unsure for an integer beside a float, containers that are not identical.
   */
  private static Answer same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return Answer.of(a.bigIntegerValue().equals(b.bigIntegerValue()));
      }
      double x = a.doubleValue();
      double y = b.doubleValue();
      if (!Double.isFinite(x) || !Double.isFinite(y)) {
        return Answer.UNSURE;
      }
      if (a.isDouble() && b.isDouble()) {
        return Answer.of(x == y);
      }
      // An integer beside a float, or other kinds: different as doubles is different for certain
      // (equal values convert to equal doubles); the same double is the full validator's to judge.
      return x != y ? Answer.VIOLATES : Answer.UNSURE;
    }
    if (a.isString() && b.isString()) {
      return Answer.of(a.asString().equals(b.asString()));
    }
    if (a.isBoolean() && b.isBoolean()) {
      return Answer.of(a.booleanValue() == b.booleanValue());
    }
    if (a.isNull() || b.isNull()) {
      return Answer.of(a.isNull() && b.isNull());
    }
    if (a.isContainer() || b.isContainer()) {
      return a.getNodeType() == b.getNodeType() ? Answer.UNSURE : Answer.VIOLATES;
    }
    // Values of different kinds (a string and a number, ...).
    return Answer.VIOLATES;
  }

  private static Answer properties(JsonNode properties, JsonNode node) {
    if (!node.isObject()) {
      return Answer.CONFORMS;
    }
    if (!properties.isObject()) {
      return Answer.UNSURE;
    }
    return every(
        properties.properties(),
        p -> node.has(p.getKey()) ? check(p.getValue(), node.get(p.getKey())) : Answer.CONFORMS);
  }

  private static Answer additional(JsonNode additional, JsonNode properties, JsonNode node) {
    if (!node.isObject()) {
      return Answer.CONFORMS;
    }
    return every(
        node.propertyNames(),
        name -> properties.has(name) ? Answer.CONFORMS : check(additional, node.get(name)));
  }

  private static Answer required(JsonNode names, JsonNode node) {
    if (!node.isObject()) {
      return Answer.CONFORMS;
    }
    if (!names.isArray()) {
      return Answer.UNSURE;
    }
    for (JsonNode name : names) {
      if (!node.has(name.asString())) {
        return Answer.VIOLATES;
      }
    }
    return Answer.CONFORMS;
  }

  private static Answer items(JsonNode items, JsonNode node) {
    if (!node.isArray()) {
      return Answer.CONFORMS;
    }
    if (!items.isObject() && !items.isBoolean()) {
      return Answer.UNSURE;
    }
    return every(node, item -> check(items, item));
  }

  /** A size against a minimum ({@code atLeast}) or maximum count. */
  private static Answer count(int size, JsonNode limit, boolean atLeast) {
    if (!limit.isIntegralNumber() || !limit.canConvertToInt()) {
      return Answer.UNSURE;
    }
    return Answer.of(atLeast ? size >= limit.intValue() : size <= limit.intValue());
  }

  private static Answer unique(JsonNode node) {
    if (!node.isArray()) {
      return Answer.CONFORMS;
    }
    Answer answer = Answer.CONFORMS;
    for (int i = 0; i < node.size(); i++) {
      for (int j = i + 1; j < node.size(); j++) {
        Answer equal = same(node.get(i), node.get(j));
        if (equal == Answer.CONFORMS) {
          return Answer.VIOLATES;
        }
        if (equal == Answer.UNSURE) {
          answer = Answer.UNSURE;
        }
      }
    }
    return answer;
  }

  private static Answer pattern(JsonNode pattern, JsonNode node) {
    if (!node.isString()) {
      return Answer.CONFORMS;
    }
    String s = node.asString();
    // Java's and ECMAScript's regular expressions agree on ASCII text for the schema's patterns.
    if (!pattern.isString() || !s.chars().allMatch(c -> c < 0x80)) {
      return Answer.UNSURE;
    }
    return Answer.of(Pattern.compile(pattern.asString()).matcher(s).find());
  }

  private static Answer bound(String keyword, JsonNode limit, JsonNode node) {
    if (!node.isNumber()) {
      return Answer.CONFORMS;
    }
    if (!limit.isNumber()) {
      return Answer.UNSURE;
    }
    int c;
    if (node.isIntegralNumber() && limit.isIntegralNumber()) {
      c = node.bigIntegerValue().compareTo(limit.bigIntegerValue());
    } else {
      double x = node.doubleValue();
      double b = limit.doubleValue();
      if (!Double.isFinite(x)
          || !Double.isFinite(b)
          || Math.abs(x - b) <= ROUNDING * Math.max(1, Math.abs(b))) {
        return Answer.UNSURE;
      }
      c = Double.compare(x, b);
    }
    return Answer.of(
        switch (keyword) {
          case "minimum" -> c >= 0;
          case "maximum" -> c <= 0;
          case "exclusiveMinimum" -> c > 0;
          default -> c < 0;
        });
  }

  private static Answer allOf(JsonNode schemas, JsonNode node) {
    if (!schemas.isArray()) {
      return Answer.UNSURE;
    }
    return every(schemas, s -> check(s, node));
  }

  /** {@code if}, with the {@code then} or {@code else} beside it in {@code schema}. */
  private static Answer condition(JsonNode condition, JsonNode schema, JsonNode node) {
    Answer matches = check(condition, node);
    if (matches == Answer.UNSURE) {
      return Answer.UNSURE;
    }
    JsonNode branch = schema.get(matches == Answer.CONFORMS ? "then" : "else");
    return branch == null ? Answer.CONFORMS : check(branch, node);
  }
}
