package dev.mlci.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The schema and the code agree on the names of tasks, metrics and trainers. */
class SchemaConsistencyTest {
  private final JsonNode schema = SchemaCheck.schemaJson();

  @Test
  void metricEnum_matchesMetricIds() {
    List<String> inSchema = new ArrayList<>();
    schema.at("/properties/metrics/items/enum").forEach(n -> inSchema.add(n.asString()));

    assertThat(inSchema)
        .containsExactlyElementsOf(List.of(Metric.values()).stream().map(Metric::id).toList());
  }

  @Test
  void everyTrainerOfEveryTask_declaresItsParameters() {
    for (JsonNode clause : schema.path("allOf")) {
      JsonNode trainers = clause.at("/then/properties/model/properties/trainer/enum");
      if (trainers.isMissingNode()) {
        continue;
      }
      Task task = Task.fromYaml(clause.at("/if/properties/task/const").asString());
      for (JsonNode t : trainers) {
        if (t.asString().equals(ModelConfig.EXTERNAL)) {
          // The repository's own command: its params are passed through, mlci declares none.
          assertThat(SchemaCheck.declaredParams(task, t.asString())).isEmpty();
          continue;
        }
        assertThat(SchemaCheck.declaredParams(task, t.asString()))
            .as("params of %s/%s", task, t.asString())
            .isPresent();
      }
    }
  }
}
