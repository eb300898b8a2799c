package dev.mlci.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.SchemaConformance.Answer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link SchemaConformance} never contradicts the full validator: on the examples' configs, which
 * it must pass for certain (or every {@code mlci} command would pay for the full validator), and on
 * thousands of variants of them: every value replaced by values of every kind and by the schema's
 * own bounds, enums and defaults, every key removed, unknown and known keys added, lists emptied
 * and repeated.
 */
class SchemaConformanceTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final JsonNode schema = SchemaCheck.schemaJson();

  @Test
  void examples_conformForCertain_andTheFullValidatorAgrees() throws Exception {
    List<Path> configs = exampleConfigs();
    assertThat(configs).hasSizeGreaterThanOrEqualTo(8);
    for (Path config : configs) {
      JsonNode root = parse(config);
      assertThat(SchemaConformance.check(schema, root))
          .as(config.toString())
          .isEqualTo(Answer.CONFORMS);
      assertThat(SchemaCheck.errors(root)).as(config.toString()).isEmpty();
    }
  }

  @Test
  void variants_areNeverJudgedOtherwiseThanByTheFullValidator() throws Exception {
    Map<Answer, Integer> answers = new EnumMap<>(Answer.class);
    List<String> disagreements = new ArrayList<>();
    // One example of each task and trainer: the others add time, not cases.
    Map<String, JsonNode> examples = new java.util.LinkedHashMap<>();
    for (Path config : exampleConfigs()) {
      JsonNode root = parse(config);
      examples.putIfAbsent(
          root.path("task").asString() + root.at("/model/trainer").asString(), root);
    }
    for (JsonNode root : examples.values()) {
      variants(
          root,
          variant -> {
            Answer answer = SchemaConformance.check(schema, variant);
            answers.merge(answer, 1, Integer::sum);
            boolean valid;
            try {
              valid = SchemaCheck.errors(variant).isEmpty();
            } catch (RuntimeException e) {
              // The full validator fails on some whole floats beyond a long's range (networknt
              // 3.0.9: asLong() on them); this check must then not have passed the variant.
              assertThat(answer).as("%s: %s", e, variant).isNotEqualTo(Answer.CONFORMS);
              return;
            }
            if ((answer == Answer.CONFORMS && !valid) || (answer == Answer.VIOLATES && valid)) {
              disagreements.add(answer + " but the full validator says " + valid + ": " + variant);
            }
          });
    }
    assertThat(disagreements).isEmpty();
    // Not vacuous: most variants get a certain answer, either way.
    int all = answers.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(answers.getOrDefault(Answer.CONFORMS, 0)).as("%s", answers).isGreaterThan(all / 10);
    assertThat(answers.getOrDefault(Answer.VIOLATES, 0)).as("%s", answers).isGreaterThan(all / 10);
    assertThat(answers.getOrDefault(Answer.UNSURE, 0)).as("%s", answers).isLessThan(all / 10);
  }

  @Test
  void unsure_whereTheValidatorsCouldReadAKeywordDifferently() throws Exception {
    JsonNode root = parse(exampleConfigs().get(0));
    // A whole float for an integer; a float beside the integer const of version.
    ObjectNode wholeFloat = (ObjectNode) root.deepCopy();
    wholeFloat.put("version", 1.0);
    assertThat(SchemaConformance.check(schema, wholeFloat)).isEqualTo(Answer.UNSURE);
    // A keyword this check does not know.
    ObjectNode unknownKeyword = (ObjectNode) schema.deepCopy();
    unknownKeyword.set("dependentRequired", NODES.objectNode());
    assertThat(SchemaConformance.check(unknownKeyword, root)).isEqualTo(Answer.UNSURE);
    // And a certain failure: an unknown top-level key.
    ObjectNode extra = (ObjectNode) root.deepCopy();
    extra.put("zzz", 1);
    assertThat(SchemaConformance.check(schema, extra)).isEqualTo(Answer.VIOLATES);
  }

  private static List<Path> exampleConfigs() throws IOException {
    Path examples = Path.of("..", "example-repos");
    try (Stream<Path> files = Files.walk(examples, 2)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("ml.yaml"))
          .filter(f -> !f.toString().contains("target"))
          .sorted()
          .toList();
    }
  }

  private static JsonNode parse(Path config) throws Exception {
    return YamlDocument.parse(config.toString(), Files.readString(config, StandardCharsets.UTF_8))
        .root();
  }

  /** Every variant of {@code root} this test judges. */
  private void variants(JsonNode root, Consumer<JsonNode> out) {
    for (List<Object> path : paths(root, new ArrayList<>(), new ArrayList<>())) {
      if (path.isEmpty()) {
        continue;
      }
      Object step = last(path);
      for (JsonNode r : values(step instanceof String key ? key : "")) {
        out.accept(editParent(root, path, parent -> set(parent, step, r)));
      }
      out.accept(editParent(root, path, parent -> remove(parent, step)));
    }
    for (List<Object> path : paths(root, new ArrayList<>(), new ArrayList<>())) {
      JsonNode node = at(root, path);
      if (node.isObject()) {
        out.accept(editNode(root, path, n -> ((ObjectNode) n).put("zzz", "x")));
        // Every key the schema knows here, with values of every kind and those the schema names.
        for (String key : schemaAt(path).path("properties").propertyNames()) {
          if (!node.has(key)) {
            for (JsonNode v : values(key)) {
              out.accept(editNode(root, path, n -> ((ObjectNode) n).set(key, v.deepCopy())));
            }
          }
        }
      }
      if (node.isArray() && !node.isEmpty()) {
        out.accept(editNode(root, path, n -> ((ArrayNode) n).add(n.get(0).deepCopy())));
        out.accept(editNode(root, path, n -> ((ArrayNode) n).removeAll()));
      }
    }
  }

  /** The schema of {@code path}, following properties and items (empty where none is known). */
  private JsonNode schemaAt(List<Object> path) {
    JsonNode s = schema;
    for (Object step : path) {
      s = step instanceof String key ? s.path("properties").path(key) : s.path("items");
    }
    return s;
  }

  /**
   * Values of every kind, and what the schema names for a key of this name anywhere (in the
   * trainers' parameters too): its enums, consts and defaults, and its bounds as they are, as
   * floats and next to them.
   */
  private List<JsonNode> values(String key) {
    List<JsonNode> values =
        new ArrayList<>(
            List.of(
                NODES.nullNode(),
                NODES.booleanNode(true),
                NODES.stringNode(""),
                NODES.stringNode("x"),
                NODES.stringNode("10s"),
                NODES.stringNode("é"),
                NODES.numberNode(0L),
                NODES.numberNode(1L),
                NODES.numberNode(-1L),
                NODES.numberNode(0.5),
                NODES.numberNode(1.0),
                NODES.numberNode(Double.NaN),
                NODES.numberNode(BigInteger.TWO.pow(70)),
                NODES.arrayNode(),
                NODES.arrayNode().add("x").add("x"),
                NODES.objectNode()));
    TreeSet<Double> numbers = new TreeSet<>();
    List<JsonNode> named = new ArrayList<>();
    propertiesNamed(schema, key, named);
    for (JsonNode s : named) {
      s.path("enum").forEach(values::add);
      for (String keyword : List.of("const", "default")) {
        if (s.has(keyword)) {
          values.add(s.get(keyword));
        }
      }
      for (String keyword : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
        if (s.path(keyword).isNumber()) {
          numbers.add(s.get(keyword).doubleValue());
        }
      }
    }
    for (double n : numbers) {
      values.add(NODES.numberNode(n));
      values.add(NODES.numberNode(Math.nextUp(n)));
      values.add(NODES.numberNode(Math.nextDown(n)));
      if (n == Math.rint(n) && Math.abs(n) < 1e15) {
        values.add(NODES.numberNode((long) n));
        values.add(NODES.numberNode((long) n + 1));
        values.add(NODES.numberNode((long) n - 1));
      }
    }
    return values;
  }

  /** The schemas of every property called {@code key}, wherever the schema declares one. */
  private static void propertiesNamed(JsonNode s, String key, List<JsonNode> out) {
    if (s.isObject() && s.path("properties").has(key)) {
      out.add(s.path("properties").get(key));
    }
    s.forEach(child -> propertiesNamed(child, key, out));
  }

  private static List<List<Object>> paths(JsonNode n, List<Object> prefix, List<List<Object>> out) {
    out.add(List.copyOf(prefix));
    if (n.isObject()) {
      for (String name : n.propertyNames()) {
        prefix.add(name);
        paths(n.get(name), prefix, out);
        prefix.remove(prefix.size() - 1);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        prefix.add(i);
        paths(n.get(i), prefix, out);
        prefix.remove(prefix.size() - 1);
      }
    }
    return out;
  }

  private static Object last(List<Object> path) {
    return path.get(path.size() - 1);
  }

  private static JsonNode at(JsonNode root, List<Object> path) {
    JsonNode n = root;
    for (Object step : path) {
      n = step instanceof String key ? n.get(key) : n.get((Integer) step);
    }
    return n;
  }

  /** A copy of {@code root} with {@code change} applied to the parent of {@code path}. */
  private static JsonNode editParent(JsonNode root, List<Object> path, Consumer<JsonNode> change) {
    JsonNode copy = root.deepCopy();
    change.accept(at(copy, path.subList(0, path.size() - 1)));
    return copy;
  }

  /** A copy of {@code root} with {@code change} applied to the node at {@code path} itself. */
  private static JsonNode editNode(JsonNode root, List<Object> path, Consumer<JsonNode> change) {
    JsonNode copy = root.deepCopy();
    change.accept(at(copy, path));
    return copy;
  }

  private static void set(JsonNode parent, Object step, JsonNode value) {
    if (step instanceof String key) {
      ((ObjectNode) parent).set(key, value.deepCopy());
    } else {
      ((ArrayNode) parent).set((Integer) step, value.deepCopy());
    }
  }

  private static void remove(JsonNode parent, Object step) {
    if (step instanceof String key) {
      ((ObjectNode) parent).remove(key);
    } else {
      ((ArrayNode) parent).remove((int) (Integer) step);
    }
  }
}
