package dev.mlci.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The ExecutorOutput a task writes for Kubeflow, from the executor input it was given. */
class ExecutorOutputTest {
  @TempDir Path tmp;

  @Test
  void write_ofATaskWithOutputParametersOnly_listsNoArtifacts() throws Exception {
    // The register task's executor input: an output parameter (model_version), no artifacts.
    String input =
        "{\"inputs\": {}, \"outputs\": {\"parameters\": {\"model_version\": {\"outputFile\":"
            + " \"/tmp/v\"}}, \"outputFile\": \"/tmp/out.json\"}}";
    Path file = tmp.resolve("out.json");
    ExecutorOutput.write(file, input, Map.of());
    JsonNode out = new ObjectMapper().readTree(file.toFile());
    assertThat(out.path("artifacts").isObject()).isTrue();
    assertThat(out.path("artifacts").isEmpty()).isTrue();
  }

  @Test
  void write_ofSomethingThatIsNotAnExecutorInput_isRefused() {
    assertThatThrownBy(() -> ExecutorOutput.write(tmp.resolve("o"), "{\"x\": 1}", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no outputs");
    assertThat(Files.exists(tmp.resolve("o"))).isFalse();
  }
}
