package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.image.deploy.DeployManifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every deploy manifest mlci writes, validated strictly (unknown fields are errors) with schemas
 * nobody here wrote, offline: Deployment and Service against the Kubernetes JSON schemas of the
 * PyPI package kubernetes-validate (oldest and newest Kubernetes it carries), the InferenceService
 * against the KServe CRD's openAPIV3Schema (src/test/resources/conformance/kserve, see its
 * SOURCES.md) made strict as the API server applies it (unknown fields refused unless the schema
 * preserves them). The YAML is read as kubectl reads it (YAML 1.1), so {@code value: 5} is the
 * number Kubernetes refuses.
 */
class ManifestSchemaIT {
  static final String KUBERNETES = "1.25,1.37";
  static final String IMAGE = "registry.example.com:5000/team/wine@sha256:" + "ab".repeat(32);

  @TempDir static Path tmp;

  /** Why this class's tests are skipped (their tools are missing), or null. */
  static String skip;

  static String python;

  @BeforeAll
  static void tools() throws Exception {
    skip =
        Tools.skipReason(
            () ->
                python =
                    Tools.pythonWith(
                        "kubernetes_validate, jsonschema, yaml, referencing",
                        "kubernetes-validate is needed for the manifest schema check"));
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  private static JsonNode check(List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add(Tools.examples().resolve("src/test/python/manifest_check.py").toString());
    cmd.add(
        Tools.examples()
            .resolve(
                "src/test/resources/conformance/kserve/serving.kserve.io_inferenceservices.yaml")
            .toString());
    cmd.add(KUBERNETES);
    files.forEach(f -> cmd.add(f.toString()));
    Tools.Result r = Tools.exec(cmd, Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    return r.json();
  }

  private static List<Path> write(String dir, Map<String, String> files) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    List<Path> out = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      out.add(Files.writeString(d.resolve(f.getKey()), f.getValue()));
    }
    return out;
  }

  @Test
  void everyRenderedManifest_isValidStrictly_forKubernetesAndKserve() throws Exception {
    List<Path> files = new ArrayList<>();
    int variant = 0;
    for (String model : List.of("wine", "Breast Cancer_v2", "2024", "x".repeat(80))) {
      // Pinned with the format label containerize writes, unpinned without one.
      files.addAll(
          write(
              "v" + variant++,
              DeployManifests.render(model, IMAGE, true, java.util.Optional.of("onnx"))));
      files.addAll(write("v" + variant++, DeployManifests.render(model, "wine:latest", false)));
    }
    JsonNode results = check(files);
    List<String> kinds = new ArrayList<>();
    for (JsonNode r : results) {
      assertThat(r.path("errors").size()).as(r.toString()).isZero();
      kinds.add(r.path("kind").asString());
    }
    // 8 variants x (InferenceService + Deployment + Service) x 2 Kubernetes versions.
    assertThat(kinds).hasSize(48);
    assertThat(kinds).filteredOn("InferenceService"::equals).hasSize(16);
    assertThat(kinds).filteredOn("Deployment"::equals).hasSize(16);
    assertThat(kinds).filteredOn("Service"::equals).hasSize(16);
  }

  @Test
  void theCheck_refusesTheNumbersAndUnknownFieldsKubectlRefuses() throws Exception {
    Map<String, String> good = DeployManifests.render("wine", IMAGE, true);
    String isvc = good.get(DeployManifests.INFERENCE_SERVICE);
    String deployment = good.get(DeployManifests.DEPLOYMENT);
    assertThat(isvc).contains("value: \"5\"").contains("prometheus.kserve.io/port: \"8080\"");
    // The manifests as mlci wrote them before they were checked: unquoted numbers.
    Map<String, String> bad =
        Map.of(
            "isvc.yaml",
            isvc.replace("value: \"5\"", "value: 5")
                .replace("prometheus.kserve.io/port: \"8080\"", "prometheus.kserve.io/port: 8080"),
            "deployment.yaml",
            deployment.replace("value: \"5\"", "value: 5"),
            "unknown.yaml",
            deployment.replace("      enableServiceLinks: false", "      enableServiceLink: false"),
            "unknown-isvc.yaml",
            isvc.replace("    enableServiceLinks: false", "    enableServiceLink: false"));
    JsonNode results = check(write("bad", bad));
    StringBuilder all = new StringBuilder();
    for (JsonNode r : results) {
      String file = Path.of(r.path("file").asString()).getFileName().toString();
      if (!r.path("kind").asString().equals("Service")) {
        assertThat(r.path("errors").size()).as(file + " " + r).isPositive();
      }
      all.append(file).append(' ').append(r.path("errors")).append('\n');
    }
    assertThat(all.toString())
        .contains("env/0/value: 5 is not of type 'string'")
        .contains("annotations/prometheus.kserve.io/port: 8080 is not of type 'string'")
        .contains("'enableServiceLink' was unexpected");
  }
}
