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

  static final String KSERVE_CRD =
      "src/test/resources/conformance/kserve/serving.kserve.io_inferenceservices.yaml";

  /** Kubeflow Trainer's TrainJob CRD (SOURCES.md beside it says whence). */
  static final String TRAINJOB_CRD =
      "src/test/resources/conformance/kubeflow-trainer/trainer.kubeflow.org_trainjobs.yaml";

  static JsonNode check(List<Path> files) throws Exception {
    return check(KSERVE_CRD, files);
  }

  static JsonNode check(String crd, List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add(Tools.examples().resolve("src/test/python/manifest_check.py").toString());
    cmd.add(Tools.examples().resolve(crd).toString());
    cmd.add(ManifestSchemaIT.KUBERNETES);
    files.forEach(f -> cmd.add(f.toString()));
    Tools.Result r = Tools.exec(cmd, Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    return r.json();
  }

  static PipelineDefinition definition(String model, ComputeConfig compute) {
    return PipelineDefinition.of(
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

  /** The CRD's CEL rules on the name, which a JSON schema cannot state: read from the CRD. */
  static List<java.util.regex.Pattern> nameRules() throws Exception {
    JsonNode crd =
        new tools.jackson.dataformat.yaml.YAMLMapper()
            .readTree(Tools.examples().resolve(TRAINJOB_CRD).toFile());
    List<java.util.regex.Pattern> rules = new ArrayList<>();
    for (JsonNode v :
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("x-kubernetes-validations")) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("self\\.metadata\\.name\\.matches\\('(.*)'\\)")
              .matcher(v.path("rule").asString());
      if (m.matches()) {
        rules.add(java.util.regex.Pattern.compile(m.group(1)));
      }
    }
    assertThat(rules).as("the CRD's metadata.name rule").hasSize(1);
    return rules;
  }

  @Test
  void everyRenderedTrainJob_isValidStrictlyAgainstTheTrainJobCrd() throws Exception {
    // Through the CLI (example-repos compiles against the released engine, not this build's):
    // model names that need fixing for the CRD's name rule, and compute with and without GPUs.
    List<String[]> variants =
        List.of(
            new String[] {"wine", ""},
            new String[] {
              "Breast.Cancer_v2",
              "compute:\n  cpu: \"4\"\n  memory: 16Gi\n  gpu: 1\n  retries: 3\n  timeout: 2h\n"
            },
            new String[] {"2024", "compute:\n  memory: 512Mi\n  gpu: 2\n  gpu_type: amd.com/gpu\n"},
            new String[] {"9".repeat(64), "compute:\n  cpu: 500m\n  timeout: 90s\n"});
    List<Path> files = new ArrayList<>();
    List<java.util.regex.Pattern> rules = nameRules();
    int i = 0;
    for (String[] v : variants) {
      Path repo =
          Tools.copyExample("breast-cancer", Files.createDirectories(tmp.resolve("tj-" + i)));
      Path yaml = repo.resolve("ml.yaml");
      Files.writeString(
          yaml,
          Files.readString(yaml).replaceFirst("(?m)^name: .*$", "name: \"" + v[0] + "\"") + v[1]);
      Tools.commitAll(repo, "variant").close();
      Path out = tmp.resolve("tj-out-" + i);
      Tools.Result r =
          Tools.mlci(
              "pipeline",
              "k8s",
              repo.toString(),
              "--kind",
              "trainjob",
              "--image",
              IMAGE,
              "--repository",
              "https://git.example.com/acme/m.git",
              "--out",
              out.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      Path file = out.resolve("pipeline/k8s-trainjob.yaml");
      String name =
          new tools.jackson.dataformat.yaml.YAMLMapper()
              .readTree(file.toFile())
              .path("metadata")
              .path("name")
              .asString();
      assertThat(name).hasSizeLessThanOrEqualTo(63);
      rules.forEach(rule -> assertThat(name).matches(rule));
      files.add(file);
      i++;
    }
    JsonNode results = check(TRAINJOB_CRD, files);
    assertThat(results).hasSize(8);
    for (JsonNode r : results) {
      assertThat(r.path("kind").asString()).isEqualTo("TrainJob");
      assertThat(r.path("errors").size()).as(r.toString()).isZero();
    }
    // Strict: an unknown field, a misspelt one and a string count are refused.
    String good = Files.readString(files.get(1));
    assertThat(good).contains("numNodes: 1").contains("resourcesPerNode:");
    List<Path> bad =
        List.of(
            Files.writeString(
                tmp.resolve("tj-unknown.yaml"), good.replace("numNodes: 1", "numNode: 1")),
            Files.writeString(
                tmp.resolve("tj-string.yaml"), good.replace("numNodes: 1", "numNodes: \"1\"")),
            Files.writeString(
                tmp.resolve("tj-runtime.yaml"),
                good.replace("  runtimeRef:\n", "  runtimeRefs:\n")));
    JsonNode refused = check(TRAINJOB_CRD, bad);
    StringBuilder all = new StringBuilder();
    for (JsonNode r : refused) {
      assertThat(r.path("errors").size()).as(r.toString()).isPositive();
      all.append(r.path("errors")).append('\n');
    }
    assertThat(all.toString())
        .contains("'numNode' was unexpected")
        .contains("is not of type 'integer'")
        .contains("'runtimeRef' is a required property");
  }

  @Test
  void mlciPipelineK8sKindTrainjob_writesTheTrainJob_andItValidates() throws Exception {
    Path repo = Tools.copyExample("breast-cancer", Files.createDirectories(tmp.resolve("tj-cli")));
    Tools.commitAll(repo, "init").close();
    Path out = tmp.resolve("tj-cli-out");
    Tools.Result r =
        Tools.mlci(
            "pipeline",
            "k8s",
            repo.toString(),
            "--kind",
            "trainjob",
            "--image",
            IMAGE,
            "--repository",
            "https://git.example.com/acme/bc.git",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Path job = out.resolve("pipeline/k8s-trainjob.yaml");
    JsonNode results = check(TRAINJOB_CRD, List.of(job));
    results.forEach(x -> assertThat(x.path("errors").size()).as(x.toString()).isZero());
    assertThat(Files.readString(job))
        .contains("kind: TrainJob")
        .contains("name: torch-distributed")
        .contains("name: breast-cancer-train");

    // A claim is the Job's; a TrainJob's volumes are its runtime's: exit 2, naming the flag.
    r =
        Tools.mlci(
            "pipeline",
            "k8s",
            repo.toString(),
            "--kind",
            "trainjob",
            "--claim",
            "pvc",
            "--image",
            IMAGE,
            "--repository",
            "x",
            "--out",
            out.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--claim").doesNotContain("Exception");
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
