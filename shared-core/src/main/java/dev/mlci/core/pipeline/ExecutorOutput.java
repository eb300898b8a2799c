package dev.mlci.core.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code ExecutorOutput} a Kubeflow task writes to {@code {{$.outputs.output_file}}}, as the
 * {@code kfp} SDK's own executor writes it: each output artifact of the task's {@code
 * ExecutorInput} (given as {@code {{$}}}) with its URI and metadata. Kubeflow's launcher reads the
 * metadata (a {@code system.Metrics} artifact's values are what its UI shows) and {@code kfp.local}
 * reads the artifacts from it.
 */
public final class ExecutorOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecutorOutput() {}

  /**
   * Writes {@code file} for the task whose executor input is {@code executorInput}, each output
   * artifact with the metadata of {@code metadata} (by artifact name; none for the others).
   *
   * @throws IllegalArgumentException when {@code executorInput} is not an executor input
   */
  public static void write(Path file, String executorInput, Map<String, ObjectNode> metadata)
      throws IOException {
    JsonNode input;
    try {
      input = JSON.readTree(executorInput);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (!input.path("outputs").isObject()) {
      throw new IllegalArgumentException("it has no outputs");
    }
    // A task with output parameters only (register) has no outputs.artifacts: none to list.
    JsonNode artifacts = input.path("outputs").path("artifacts");
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode outArtifacts = out.putObject("artifacts");
    for (var e : artifacts.properties()) {
      JsonNode first = e.getValue().path("artifacts").path(0);
      ObjectNode a = outArtifacts.putObject(e.getKey()).putArray("artifacts").addObject();
      a.put("name", first.path("name").asString(""));
      a.put("uri", first.path("uri").asString(""));
      a.set("metadata", metadata.getOrDefault(e.getKey(), JsonNodeFactory.instance.objectNode()));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, JSON.writeValueAsString(out), StandardCharsets.UTF_8);
  }
}
