package dev.mlci.core.image.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests read back as a YAML reader reads them: every value Kubernetes types as a string is
 * a string (the schema check with Kubernetes' own schemas is example-repos' ManifestSchemaIT).
 */
class DeployManifestsTest {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private static List<JsonNode> documents(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      it.forEachRemaining(docs::add);
    }
    return docs;
  }

  private static List<JsonNode> all() {
    List<JsonNode> docs = new ArrayList<>();
    Map<String, String> files =
        DeployManifests.render(
            "Wine 2",
            "registry.example.com/wine@sha256:" + "0".repeat(64),
            true,
            Optional.of("onnx"));
    files.values().forEach(text -> docs.addAll(documents(text)));
    return docs;
  }

  @Test
  void render_envValuesAnnotationsAndLabels_areStrings() {
    List<JsonNode> docs = all();
    assertThat(docs)
        .extracting(d -> d.path("kind").asString())
        .containsExactlyInAnyOrder("InferenceService", "Deployment", "Service");
    int checked = 0;
    for (JsonNode doc : docs) {
      for (JsonNode meta : List.of(doc.path("metadata"), doc.at("/spec/template/metadata"))) {
        for (String field : List.of("annotations", "labels")) {
          for (JsonNode value : meta.path(field)) {
            assertThat(value.isString()).as(doc.path("kind") + " " + field + " " + value).isTrue();
            checked++;
          }
        }
      }
      JsonNode containers =
          doc.at("/spec/predictor/containers").isArray()
              ? doc.at("/spec/predictor/containers")
              : doc.at("/spec/template/spec/containers");
      for (JsonNode container : containers) {
        for (JsonNode env : container.path("env")) {
          assertThat(env.path("value").isString()).as(env.toString()).isTrue();
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void render_withAFormat_labelsTheInferenceServiceOnly() {
    Map<String, String> files =
        DeployManifests.render("wine", "wine:latest", false, Optional.of("onnx"));
    JsonNode isvc = documents(files.get(DeployManifests.INFERENCE_SERVICE)).get(0);
    assertThat(isvc.at("/metadata/labels").toString())
        .isEqualTo("{\"" + DeployManifests.FORMAT_LABEL + "\":\"onnx\"}");
    assertThat(files.get(DeployManifests.DEPLOYMENT)).doesNotContain(DeployManifests.FORMAT_LABEL);
    assertThat(
            DeployManifests.render("wine", "wine:latest", false)
                .get(DeployManifests.INFERENCE_SERVICE))
        .doesNotContain("labels");
  }

  @Test
  void render_shutdownDelayAndPorts_areQuotedInTheText() {
    Map<String, String> files = DeployManifests.render("wine", "wine:latest", false);
    assertThat(files.get(DeployManifests.DEPLOYMENT))
        .contains("value: \"5\"")
        .contains("prometheus.io/port: \"8080\"")
        .contains("prometheus.io/scrape: \"true\"")
        .contains("containerPort: 8080");
    assertThat(files.get(DeployManifests.INFERENCE_SERVICE))
        .contains("prometheus.kserve.io/port: \"8080\"")
        .contains("serving.kserve.io/enable-prometheus-scraping: \"true\"")
        .doesNotContain("prometheus.io/");
  }

  @Test
  void kubernetesName_isADnsLabel() {
    assertThat(DeployManifests.kubernetesName("Breast Cancer_v2")).isEqualTo("breast-cancer-v2");
    assertThat(DeployManifests.kubernetesName("2024 model")).isEqualTo("model-2024-model");
    assertThat(DeployManifests.kubernetesName("x".repeat(80))).hasSize(63);
  }
}
