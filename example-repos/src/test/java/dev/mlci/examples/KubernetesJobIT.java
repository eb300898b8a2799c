package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.pipeline.ComputeConfig;
import dev.mlci.core.pipeline.KubernetesJob;
import dev.mlci.core.pipeline.PipelineDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18: the Job {@code mlci pipeline k8s} writes, validated strictly (unknown fields are
 * errors, YAML read as kubectl reads it) against the Kubernetes JSON schemas of kubernetes-validate
 * for the oldest and newest Kubernetes it carries, with manifest_check.py as ManifestSchemaIT uses
 * it for the deploy manifests.
 */
class KubernetesJobIT {
  static final String IMAGE = "registry.example.com:5000/mlci/runner@sha256:" + "ab".repeat(32);

  @TempDir static Path tmp;

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
                        "kubernetes-validate is needed for the Job schema check"));
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  static JsonNode check(List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add(Tools.examples().resolve("src/test/python/manifest_check.py").toString());
    cmd.add(
        Tools.examples()
            .resolve(
                "src/test/resources/conformance/kserve/serving.kserve.io_inferenceservices.yaml")
            .toString());
    cmd.add(ManifestSchemaIT.KUBERNETES);
    files.forEach(f -> cmd.add(f.toString()));
    Tools.Result r = Tools.exec(cmd, Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    return r.json();
  }

  static PipelineDefinition definition(String model, ComputeConfig compute) {
    return new PipelineDefinition(
        PipelineDefinition.pipelineName(model),
        IMAGE,
        "models/churn",
        "ml.yaml",
        "https://git.example.com/acme/churn.git",
        "0123456789abcdef0123456789abcdef01234567",
        "sha256:" + "cd".repeat(32),
        "main",
        compute);
  }

  @Test
  void everyRenderedJob_isValidStrictly() throws Exception {
    List<ComputeConfig> computes =
        List.of(
            ComputeConfig.defaults(),
            new ComputeConfig(
                Optional.of("4"), Optional.of("16Gi"), 1, "nvidia.com/gpu", 3, Duration.ofHours(2)),
            new ComputeConfig(
                Optional.of("500m"),
                Optional.empty(),
                0,
                "nvidia.com/gpu",
                0,
                Duration.ofMinutes(5)),
            new ComputeConfig(
                Optional.empty(),
                Optional.of("512Mi"),
                2,
                "amd.com/gpu",
                1,
                Duration.ofSeconds(90)));
    List<Path> files = new ArrayList<>();
    int i = 0;
    for (String model : List.of("wine", "Breast Cancer_v2", "2024", "x".repeat(64))) {
      for (Optional<String> claim : List.of(Optional.<String>empty(), Optional.of("mlci-out"))) {
        String yaml = KubernetesJob.render(definition(model, computes.get(i % 4)), claim);
        files.add(Files.writeString(tmp.resolve("job-" + i++ + ".yaml"), yaml));
      }
    }
    JsonNode results = check(files);
    assertThat(results).hasSize(16);
    for (JsonNode r : results) {
      assertThat(r.path("kind").asString()).isEqualTo("Job");
      assertThat(r.path("errors").size()).as(r.toString()).isZero();
    }
  }

  @Test
  void theCheck_refusesAnUnknownFieldAndANumberWhereKubernetesWantsAString() throws Exception {
    String good =
        KubernetesJob.render(definition("wine", ComputeConfig.defaults()), Optional.empty());
    assertThat(good).contains("backoffLimit: 0").contains("mlci.dev/commit: 0123456789abcdef");
    List<Path> bad =
        List.of(
            Files.writeString(
                tmp.resolve("unknown.yaml"), good.replace("backoffLimit:", "backoffLimits:")),
            Files.writeString(
                tmp.resolve("number.yaml"),
                good.replace(
                    "mlci.dev/commit: 0123456789abcdef0123456789abcdef01234567",
                    "mlci.dev/commit: 12345")));
    JsonNode results = check(bad);
    StringBuilder all = new StringBuilder();
    for (JsonNode r : results) {
      assertThat(r.path("errors").size()).as(r.toString()).isPositive();
      all.append(r.path("errors")).append('\n');
    }
    assertThat(all.toString()).contains("'backoffLimits' was unexpected").contains("12345");
  }

  @Test
  void mlciPipelineK8s_writesTheJobForTheRepository_andItValidates() throws Exception {
    Path repo = Tools.copyExample("breast-cancer", Files.createDirectories(tmp.resolve("cli")));
    Tools.commitAll(repo, "init").close();
    Path out = tmp.resolve("cli-out");
    Tools.Result r =
        Tools.mlci(
            "pipeline",
            "k8s",
            repo.toString(),
            "--image",
            IMAGE,
            "--repository",
            "https://git.example.com/acme/bc.git",
            "--claim",
            "bc-out",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Path job = out.resolve("pipeline/k8s-job.yaml");
    JsonNode results = check(List.of(job));
    assertThat(results).hasSize(2);
    results.forEach(x -> assertThat(x.path("errors").size()).as(x.toString()).isZero());
    assertThat(Files.readString(job)).contains("name: breast-cancer-train").contains("task");

    // Not pinned: refused with exit 2, naming the flag and the fix.
    r =
        Tools.mlci(
            "pipeline",
            "k8s",
            repo.toString(),
            "--image",
            "runner:latest",
            "--repository",
            "x",
            "--out",
            out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--image").contains("sha256");
  }
}
