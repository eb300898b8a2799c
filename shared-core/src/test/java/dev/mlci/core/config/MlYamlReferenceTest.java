package dev.mlci.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code docs/ml-yaml.md} documents exactly the keys of the ml.yaml schema the loader validates
 * against (the resource {@link SchemaCheck} reads): every property path, nested ones included
 * ({@code gate.rules[].metric}), is a row of one of its {@code | key |} tables, and no row names a
 * key the schema does not have. The trainer parameters are generated from the schema into the
 * marked part of the file; this test fails when that part is not current. Regenerate it with {@code
 * -Dmlci.docs.update=true} on the test command.
 */
class MlYamlReferenceTest {
  static final String BEGIN = "<!-- BEGIN GENERATED: trainer parameters (MlYamlReferenceTest) -->";
  static final String END = "<!-- END GENERATED: trainer parameters -->";
  private static final String PARAMS = "model.params.";
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  private final JsonNode schema = SchemaCheck.schemaJson();

  @Test
  void everySchemaKey_isDocumented_andNoOtherKey() throws IOException {
    Set<String> inSchema = new TreeSet<>();
    collectPaths(schema, "", inSchema);
    inSchema.removeIf(p -> p.startsWith(PARAMS));
    Set<String> documented = documentedKeys(Files.readAllLines(doc(), StandardCharsets.UTF_8));

    Set<String> undocumented = new TreeSet<>(inSchema);
    undocumented.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(inSchema);
    SoftAssertions.assertSoftly(
        soft -> {
          soft.assertThat(undocumented)
              .as(
                  "schema keys that docs/ml-yaml.md does not document; add a row for each to a table"
                      + " whose first column is 'key'")
              .isEmpty();
          soft.assertThat(unknown)
              .as("keys docs/ml-yaml.md documents that schema/ml.schema.json does not have")
              .isEmpty();
        });
  }

  @Test
  void trainerParameters_areGeneratedFromTheSchema_andCurrent() throws IOException {
    Path doc = doc();
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("the marker %s in %s", BEGIN, doc).isNotNegative();
    assertThat(end).as("the marker %s after the begin marker in %s", END, doc).isGreaterThan(begin);
    String expected = "\n" + renderTrainerParameters(schema);
    String actual = text.substring(begin + BEGIN.length(), end);
    if (!actual.equals(expected) && Boolean.getBoolean("mlci.docs.update")) {
      Files.writeString(
          doc,
          text.substring(0, begin + BEGIN.length()) + expected + text.substring(end),
          StandardCharsets.UTF_8);
      actual = expected;
    }
    assertThat(actual)
        .as(
            "the generated trainer parameters in %s are not current; regenerate them with"
                + " -Dmlci.docs.update=true",
            doc)
        .isEqualTo(expected);
  }

  @Test
  void renderTrainerParameters_coversEveryDeclaredParameter() {
    Set<String> declared = new TreeSet<>();
    collectPaths(schema, "", declared);
    declared.removeIf(p -> !p.startsWith(PARAMS));
    String rendered = renderTrainerParameters(schema);
    for (String path : declared) {
      assertThat(rendered).contains("| `" + path.substring(PARAMS.length()) + "` |");
    }
    assertThat(declared).hasSizeGreaterThan(20);
  }

  @Test
  void everyWholeMlYamlInTheDocs_passesTheSchema() throws Exception {
    Path root = doc().getParent().getParent();
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (var docs = Files.list(root.resolve("docs"))) {
      docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    int checked = 0;
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```yaml")) {
          continue;
        }
        int start = i + 1;
        StringBuilder block = new StringBuilder();
        for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
          block.append(lines.get(i)).append('\n');
        }
        String text = block.toString();
        // A whole ml.yaml, not a fragment (a gate: block, a model: block, a workflow).
        if (!text.matches("(?s)(.*\n)?name: .*") || !text.matches("(?s)(.*\n)?task: .*")) {
          continue;
        }
        String where = root.relativize(file) + ":" + start;
        assertThat(SchemaCheck.check(YamlDocument.parse(where, text))).as(where).isEmpty();
        checked++;
      }
    }
    assertThat(checked).as("whole ml.yaml examples found in README.md and docs/").isGreaterThan(1);
  }

  /** Every property path under {@code node}: nested objects, array items as {@code []}. */
  static void collectPaths(JsonNode node, String prefix, Set<String> out) {
    if (node == null || !node.isObject()) {
      return;
    }
    JsonNode properties = node.get("properties");
    if (properties != null) {
      for (String name : properties.propertyNames()) {
        String path = prefix.isEmpty() ? name : prefix + "." + name;
        out.add(path);
        collectPaths(properties.get(name), path, out);
      }
    }
    collectPaths(node.get("items"), prefix + "[]", out);
    if (node.get("additionalProperties") != null && node.get("additionalProperties").isObject()) {
      collectPaths(node.get("additionalProperties"), prefix + ".*", out);
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      JsonNode list = node.get(combinator);
      if (list != null) {
        list.forEach(n -> collectPaths(n, prefix, out));
      }
    }
    // "if" only tests keys declared elsewhere; "then"/"else" may declare more.
    collectPaths(node.get("then"), prefix, out);
    collectPaths(node.get("else"), prefix, out);
  }

  /** The backticked names in the first column of every table whose header's first cell is "key". */
  static Set<String> documentedKeys(List<String> lines) {
    Set<String> keys = new LinkedHashSet<>();
    boolean fenced = false;
    boolean inTable = false;
    boolean keyTable = false;
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced || !t.startsWith("|")) {
        inTable = false;
        continue;
      }
      String first = t.substring(1).split("\\|", -1)[0].strip();
      if (!inTable) {
        inTable = true;
        keyTable = first.equals("key");
        continue;
      }
      if (!keyTable || first.matches("-+|:?-+:?")) {
        continue;
      }
      Matcher m = CODE.matcher(first);
      while (m.find()) {
        keys.add(m.group(1));
      }
    }
    return keys;
  }

  /** One table per trainer, in the schema's order; the tasks merged where they declare the same. */
  static String renderTrainerParameters(JsonNode schema) {
    Map<String, Map<String, JsonNode>> byTrainer = new LinkedHashMap<>();
    for (JsonNode clause : schema.path("allOf")) {
      String trainer = clause.at("/if/properties/model/properties/trainer/const").asString("");
      JsonNode params = clause.at("/then/properties/model/properties/params/properties");
      if (trainer.isEmpty() || !params.isObject()) {
        continue;
      }
      String task = clause.at("/if/properties/task/const").asString("any task");
      byTrainer.computeIfAbsent(trainer, k -> new LinkedHashMap<>()).put(task, params);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<String, JsonNode>> e : byTrainer.entrySet()) {
      Map<String, JsonNode> tasks = e.getValue();
      out.append("\n### `")
          .append(e.getKey())
          .append("` (")
          .append(String.join(", ", tasks.keySet()))
          .append(")\n\n| parameter | default | values | meaning |\n|---|---|---|---|\n");
      Set<String> names = new LinkedHashSet<>();
      tasks.values().forEach(p -> p.propertyNames().forEach(names::add));
      for (String name : names) {
        Map<String, JsonNode> decl = new LinkedHashMap<>();
        tasks.forEach((task, p) -> decl.put(task, p.get(name)));
        out.append("| `")
            .append(name)
            .append("` | ")
            .append(perTask(decl, MlYamlReferenceTest::defaultOf))
            .append(" | ")
            .append(perTask(decl, MlYamlReferenceTest::valuesOf))
            .append(" | ")
            .append(perTask(decl, p -> p.path("description").asString("").replace("|", "\\|")))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  private static String perTask(
      Map<String, JsonNode> decl, java.util.function.Function<JsonNode, String> render) {
    Map<String, String> cells = new LinkedHashMap<>();
    decl.forEach((task, p) -> cells.put(task, p == null ? "(not a parameter)" : render.apply(p)));
    if (new LinkedHashSet<>(cells.values()).size() == 1) {
      return cells.values().iterator().next();
    }
    List<String> parts = new ArrayList<>();
    cells.forEach((task, cell) -> parts.add(task + ": " + cell));
    return String.join("; ", parts);
  }

  private static String defaultOf(JsonNode p) {
    JsonNode d = p.get("default");
    return d == null ? "—" : "`" + (d.isString() ? d.asString() : d.toString()) + "`";
  }

  private static String valuesOf(JsonNode p) {
    if (p.has("enum")) {
      List<String> values = new ArrayList<>();
      p.get("enum").forEach(v -> values.add("`" + v.asString() + "`"));
      return String.join(", ", values);
    }
    String type = p.path("type").asString("any");
    return switch (type) {
      case "boolean" -> "`true`, `false`";
      case "array" ->
          "a list of "
              + p.path("minItems").asInt(0)
              + "–"
              + p.path("maxItems").asString("any number")
              + " values, each "
              + valuesOf(p.path("items"));
      case "integer", "number" -> type + range(p);
      default -> type;
    };
  }

  private static String range(JsonNode p) {
    boolean lo = p.has("minimum") || p.has("exclusiveMinimum");
    boolean hi = p.has("maximum") || p.has("exclusiveMaximum");
    String min =
        p.has("minimum") ? p.get("minimum").toString() : p.path("exclusiveMinimum").toString();
    String max =
        p.has("maximum") ? p.get("maximum").toString() : p.path("exclusiveMaximum").toString();
    String minOp = p.has("minimum") ? " ≤ " : " < ";
    String maxOp = p.has("maximum") ? " ≤ " : " < ";
    if (lo && hi) {
      return " " + min + minOp + "x" + maxOp + max;
    }
    if (lo) {
      return ", x" + (p.has("minimum") ? " ≥ " : " > ") + min;
    }
    return hi ? ", x" + maxOp + max : "";
  }

  /** docs/ml-yaml.md of the checkout this test runs in. */
  static Path doc() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("schema/ml.schema.json"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    return dir.resolve("docs/ml-yaml.md");
  }
}
