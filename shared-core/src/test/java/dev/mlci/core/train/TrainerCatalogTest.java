package dev.mlci.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.config.Task;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Every parameter the schema declares for a trainer reaches the Tribuo trainer: schema and code
 * stay in step.
 */
class TrainerCatalogTest {

  @ParameterizedTest
  @CsvSource({
    "CLASSIFICATION, logistic",
    "CLASSIFICATION, logistic-sgd",
    "CLASSIFICATION, linear-svm",
    "CLASSIFICATION, cart",
    "CLASSIFICATION, random-forest",
    "CLASSIFICATION, xgboost",
    "REGRESSION, linear",
    "REGRESSION, linear-sgd",
    "REGRESSION, cart",
    "REGRESSION, random-forest",
    "REGRESSION, xgboost",
    "CLASSIFICATION, mlp",
    "REGRESSION, mlp"
  })
  void build_readsEveryDeclaredParameter(Task task, String trainer) throws IOException {
    JsonNode declared = declared(task, trainer);
    Map<String, Object> params = new LinkedHashMap<>();
    for (String name : declared.propertyNames()) {
      JsonNode p = declared.get(name);
      params.put(name, sample(p));
    }

    TrainerCatalog.Built built =
        TrainerCatalog.build(
            task, new ModelConfig(trainer, params, 1, Optional.empty()), 100, spec(task));

    Set<String> expected = new TreeSet<>(declared.propertyNames());
    if (trainer.equals("random-forest")) {
      expected.remove("random_split_points");
    }
    assertThat(new TreeSet<>(built.paramsRead())).isEqualTo(expected);
    assertThat(built.trainer()).isNotNull();
  }

  /** Two numeric features and, for classification, two classes. */
  private static FeatureSpec spec(Task task) {
    List<ColumnSpec> columns =
        List.of(ColumnSpec.numeric("a", 0, 1, 0), ColumnSpec.numeric("b", 0, 1, 0));
    TargetSpec target =
        task == Task.CLASSIFICATION
            ? new TargetSpec("y", List.of("n", "p"), Optional.of("p"))
            : new TargetSpec("y", List.of(), Optional.empty());
    return new FeatureSpec(columns, target, List.of(""), false);
  }

  private static Object sample(JsonNode p) {
    if (p.has("default")) {
      JsonNode d = p.get("default");
      if (d.isArray()) {
        List<Object> items = new java.util.ArrayList<>();
        d.forEach(i -> items.add(i.asLong()));
        return items;
      }
      return d.isIntegralNumber()
          ? (Object) d.asLong()
          : d.isNumber() ? d.asDouble() : d.isBoolean() ? d.asBoolean() : d.asString();
    }
    if (p.has("enum")) {
      return p.get("enum").get(0).asString();
    }
    return p.path("type").asString().equals("integer") ? (Object) 3L : 0.5;
  }

  private static JsonNode declared(Task task, String trainer) throws IOException {
    try (InputStream in =
        TrainerCatalogTest.class.getResourceAsStream("/dev/mlci/core/config/ml.schema.json")) {
      JsonNode schema = new ObjectMapper().readTree(in);
      for (JsonNode clause : schema.path("allOf")) {
        JsonNode cond = clause.path("if").path("properties");
        if (cond.path("task").path("const").asString("").equals(task.yamlName())
            && cond.at("/model/properties/trainer/const").asString("").equals(trainer)) {
          return clause.at("/then/properties/model/properties/params/properties");
        }
      }
    }
    throw new AssertionError("no params declared for " + task + "/" + trainer);
  }
}
