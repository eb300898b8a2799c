package dev.mlci.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline and Job renderers and ml.yaml's {@code compute}. Kubeflow's own SDK and the
 * Kubernetes schemas check the files in example-repos (KfpPipelineIT, KubernetesJobIT); these pin
 * the rules mlci adds: names, pinning, stable bytes, what {@code compute} becomes.
 */
class PipelineRenderingTest {
  static final String IMAGE = "registry.example.com/mlci/runner@sha256:" + "ab".repeat(32);
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String DIGEST = "sha256:" + "cd".repeat(32);

  @TempDir Path tmp;

  static PipelineDefinition definition(String name, ComputeConfig compute) {
    return PipelineDefinition.of(
        name,
        IMAGE,
        ".",
        "ml.yaml",
        "https://git.example.com/acme/bc.git",
        COMMIT,
        DIGEST,
        "main",
        compute);
  }

  LoadedConfig load(String compute) throws Exception {
    Files.writeString(tmp.resolve("d.csv"), "x,y\n1,a\n");
    Path file =
        Files.writeString(
            tmp.resolve("ml.yaml"),
            "version: 1\nname: m\ntask: classification\ndata: {path: d.csv, target: y}\n"
                + "model: {trainer: logistic}\n"
                + compute);
    return new ConfigLoader(tmp).load(file);
  }

  @Test
  void pipelineName_ofAnyModelName_matchesKubeflowsRule() {
    for (String model :
        new String[] {"Breast Cancer_v2", "wine", "2024", "--x--", "___", "x".repeat(200), "a.b"}) {
      String name = PipelineDefinition.pipelineName(model);
      assertThat(name).as(model).matches("^[a-z0-9][a-z0-9-]{0,127}$").doesNotEndWith("-");
    }
    assertThat(PipelineDefinition.pipelineName("Breast Cancer_v2")).isEqualTo("breast-cancer-v2");
    assertThat(PipelineDefinition.pipelineName("___")).isEqualTo("mlci");
  }

  @Test
  void definition_refusesAnImageNotPinnedByDigest() {
    assertThatThrownBy(
            () ->
                PipelineDefinition.of(
                    "m",
                    "registry.example.com/mlci/runner:latest",
                    ".",
                    "ml.yaml",
                    "r",
                    COMMIT,
                    DIGEST,
                    "main",
                    ComputeConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image");
  }

  @Test
  void render_sameDefinition_sameBytes_andSortedKeys() {
    String a = KfpPipeline.render(definition("m", ComputeConfig.defaults()));
    String b = KfpPipeline.render(definition("m", ComputeConfig.defaults()));
    assertThat(a).isEqualTo(b);
    assertThat(a.indexOf("\ncomponents:")).isLessThan(a.indexOf("\ndeploymentSpec:"));
    assertThat(a.indexOf("\ndeploymentSpec:")).isLessThan(a.indexOf("\npipelineInfo:"));
    assertThat(a).contains("schemaVersion: 2.1.0").contains("image: " + IMAGE);
    assertThat(a).doesNotContain("resources:").doesNotContain("retryPolicy:");
  }

  @Test
  void containerize_isInTwoConditionGroups_onTheTargetBranch_andNotAfterAFail() throws Exception {
    PipelineDefinition d =
        classifier(
            new PipelineDefinition.Delivery(
                "feature", "registry.example.com/jre:17", "registry://r.example.com/m:1", true),
            PipelineDefinition.Registration.defaults());
    tools.jackson.databind.JsonNode spec = KfpPipeline.pipelineSpec(d);
    tools.jackson.databind.JsonNode root = spec.path("root");
    assertThat(root.path("dag").path("tasks").has("containerize")).isFalse();
    tools.jackson.databind.JsonNode outer = root.path("dag").path("tasks").path("condition-1");
    assertThat(outer.path("triggerPolicy").path("condition").asString())
        .isEqualTo(
            "inputs.parameter_values['pipelinechannel--branch'] =="
                + " inputs.parameter_values['pipelinechannel--target_branch']");
    assertThat(outer.path("dependentTasks").toString())
        .isEqualTo("[\"checkout\",\"gate\",\"train\"]");
    assertThat(
            outer
                .path("inputs")
                .path("parameters")
                .path("pipelinechannel--gate-verdict")
                .path("taskOutputParameter")
                .path("producerTask")
                .asString())
        .isEqualTo("gate");
    tools.jackson.databind.JsonNode inner =
        spec.path("components").path("comp-condition-1").path("dag").path("tasks");
    assertThat(inner.path("condition-2").path("triggerPolicy").path("condition").asString())
        .isEqualTo("inputs.parameter_values['pipelinechannel--gate-verdict'] != 'FAIL'");
    tools.jackson.databind.JsonNode task =
        spec.path("components")
            .path("comp-condition-2")
            .path("dag")
            .path("tasks")
            .path("containerize");
    assertThat(task.path("inputs").path("artifacts").path("model").toString())
        .contains("pipelinechannel--train-model");
    assertThat(root.path("inputDefinitions").path("parameters").path("branch").toString())
        .contains("feature");
    assertThat(
            root.path("inputDefinitions")
                .path("parameters")
                .path("image_target")
                .path("defaultValue")
                .asString())
        .isEqualTo("registry://r.example.com/m:1");
    assertThat(
            spec.path("deploymentSpec")
                .path("executors")
                .path("exec-containerize")
                .path("container")
                .path("args")
                .toString())
        .contains("--allow-insecure-registries")
        .contains("{{$.inputs.parameters['image_target']}}")
        .contains("{{$.outputs.artifacts['image'].path}}");
  }

  /** A classifier's definition with this delivery and registration. */
  static PipelineDefinition classifier(
      PipelineDefinition.Delivery delivery, PipelineDefinition.Registration registration) {
    return new PipelineDefinition(
        "m",
        IMAGE,
        ".",
        "ml.yaml",
        "r",
        COMMIT,
        DIGEST,
        "main",
        ComputeConfig.defaults(),
        true,
        delivery,
        registration);
  }

  static PipelineDefinition withServer(String uri) {
    return classifier(
        PipelineDefinition.Delivery.defaults(),
        new PipelineDefinition.Registration(uri, "champion"));
  }

  @Test
  void register_isAfterContainerize_inAThirdGroup_onlyWhenATrackingServerIsSet() {
    tools.jackson.databind.JsonNode spec =
        KfpPipeline.pipelineSpec(withServer("https://mlflow.example.com"));
    tools.jackson.databind.JsonNode comps = spec.path("components");
    tools.jackson.databind.JsonNode inner =
        comps.path("comp-condition-2").path("dag").path("tasks");
    assertThat(inner.has("containerize")).isTrue();
    assertThat(inner.has("register")).isFalse();
    tools.jackson.databind.JsonNode third = inner.path("condition-3");
    assertThat(third.path("triggerPolicy").path("condition").asString())
        .isEqualTo("inputs.parameter_values['pipelinechannel--mlflow_tracking_uri'] != ''");
    assertThat(third.path("dependentTasks").toString()).isEqualTo("[\"containerize\"]");
    assertThat(
            third
                .path("inputs")
                .path("artifacts")
                .path("pipelinechannel--containerize-image")
                .path("taskOutputArtifact")
                .path("producerTask")
                .asString())
        .isEqualTo("containerize");
    tools.jackson.databind.JsonNode register =
        comps.path("comp-condition-3").path("dag").path("tasks").path("register");
    assertThat(register.path("inputs").path("artifacts").path("tracking_in").toString())
        .contains("pipelinechannel--gate-tracking");
    assertThat(register.path("inputs").path("parameters").path("model_alias").toString())
        .contains("pipelinechannel--model_alias");
    assertThat(
            comps
                .path("comp-register")
                .path("outputDefinitions")
                .path("parameters")
                .has("model_version"))
        .isTrue();
    tools.jackson.databind.JsonNode params =
        spec.path("root").path("inputDefinitions").path("parameters");
    assertThat(params.path("mlflow_tracking_uri").path("defaultValue").asString())
        .isEqualTo("https://mlflow.example.com");
    assertThat(params.path("model_alias").path("defaultValue").asString()).isEqualTo("champion");
    // Without a server the task is still there, skipped by its condition at run time.
    assertThat(
            KfpPipeline.pipelineSpec(withServer(""))
                .path("root")
                .path("inputDefinitions")
                .path("parameters")
                .path("mlflow_tracking_uri")
                .path("defaultValue")
                .asString())
        .isEmpty();
  }

  @Test
  void theMlflowLink_goesFromTrainToEvaluateToGate_andEachTracksOnTheParametersServer() {
    tools.jackson.databind.JsonNode spec =
        KfpPipeline.pipelineSpec(withServer("http://mlflow:5000"));
    tools.jackson.databind.JsonNode tasks = spec.path("root").path("dag").path("tasks");
    assertThat(
            tasks.path("evaluate").path("inputs").path("artifacts").path("tracking_in").toString())
        .isEqualTo(
            "{\"taskOutputArtifact\":{\"outputArtifactKey\":\"tracking\",\"producerTask\":\"train\"}}");
    assertThat(tasks.path("gate").path("inputs").path("artifacts").path("tracking_in").toString())
        .contains("\"producerTask\":\"evaluate\"");
    tools.jackson.databind.JsonNode executors = spec.path("deploymentSpec").path("executors");
    for (String task : new String[] {"train", "evaluate", "gate", "register"}) {
      assertThat(executors.path("exec-" + task).path("container").path("args").toString())
          .as(task)
          .contains("\"--mlflow-tracking-uri\",\"{{$.inputs.parameters['mlflow_tracking_uri']}}\"");
    }
    String yaml = KfpPipeline.render(withServer("http://mlflow:5000"));
    assertThat(yaml).contains("# MLflow credentials are not here").doesNotContain("PASSWORD:");
    assertThat(yaml).isEqualTo(KfpPipeline.render(withServer("http://mlflow:5000")));
  }

  @Test
  void registration_refusesAServerWithCredentialsInIt() {
    assertThatThrownBy(() -> withServer("http://admin:secret@mlflow:5000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trackingUri");
    assertThatThrownBy(() -> withServer("file:///tmp/mlruns"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void delivery_refusesATargetOtherThanARegistry() {
    assertThatThrownBy(() -> new PipelineDefinition.Delivery("main", "b", "tar:///x.tar", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry://");
  }

  @Test
  void compute_becomesTheTrainingTasksResourcesAndRetry_asTheSdkWritesThem() throws Exception {
    ComputeConfig c =
        ComputeConfig.of(
            load("compute: {cpu: 500m, memory: 8Gi, gpu: 2, retries: 3, timeout: 90m}\n"));
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(90));
    String yaml = KfpPipeline.render(definition("m", c));
    assertThat(yaml)
        .contains("cpuLimit: 0.5")
        .contains("resourceCpuLimit: 500m")
        .contains("memoryLimit: 8.589934592")
        .contains("resourceMemoryLimit: 8Gi")
        .contains("resourceCount: \"2\"")
        .contains("resourceType: nvidia.com/gpu")
        .contains("maxRetryCount: 3");
    // Only the training task gets them.
    assertThat(yaml.split("resources:", -1)).hasSize(2);
  }

  @Test
  void compute_gpuTypeWithoutGpu_isRefusedAtItsLine() throws Exception {
    LoadedConfig loaded = load("compute:\n  gpu_type: amd.com/gpu\n");
    assertThatThrownBy(() -> ComputeConfig.of(loaded))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("ml.yaml:7")
        .hasMessageContaining("compute.gpu_type")
        .hasMessageContaining("gpu: 1");
  }

  @Test
  void compute_badQuantity_isRefusedByTheSchemaWithItsLine() {
    assertThatThrownBy(() -> load("compute:\n  memory: 8 GB\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("compute.memory");
  }

  @Test
  void job_hasComputeAsRequestsAndLimits_retriesAsBackoffLimit_andAValidName() {
    ComputeConfig c =
        new ComputeConfig(
            Optional.of("4"), Optional.of("16Gi"), 1, "nvidia.com/gpu", 2, Duration.ofHours(3));
    String job = KubernetesJob.render(definition("x".repeat(128), c), Optional.of("mlci-out"));
    assertThat(job)
        .contains("kind: Job")
        .contains("backoffLimit: 2")
        .contains("activeDeadlineSeconds: 10800")
        .contains("nvidia.com/gpu: \"1\"")
        .contains("cpu: \"4\"")
        .contains("claimName: mlci-out");
    String name = KubernetesJob.name(definition("x".repeat(128), c));
    assertThat(name).hasSizeLessThanOrEqualTo(63).endsWith("-train");
  }

  @Test
  void trainJob_hasOneNodeOfTheRuntime_computeAsResourcesPerNode_andAnRfc1035Name() {
    ComputeConfig c =
        new ComputeConfig(
            Optional.of("4"), Optional.of("16Gi"), 1, "nvidia.com/gpu", 2, Duration.ofHours(3));
    String tj = TrainJob.render(definition("wine", c), "my-runtime");
    assertThat(tj)
        .contains("apiVersion: trainer.kubeflow.org/v1alpha1")
        .contains("kind: TrainJob")
        .contains("name: my-runtime")
        .contains("kind: ClusterTrainingRuntime")
        .contains("numNodes: 1")
        .contains("activeDeadlineSeconds: 10800")
        .contains("nvidia.com/gpu: \"1\"")
        .contains("/tmp/mlci/out")
        .doesNotContain("backoffLimit");
    assertThat(TrainJob.render(definition("wine", c), "my-runtime")).isEqualTo(tj);
    for (String model : new String[] {"wine", "2024", "9".repeat(64), "x".repeat(128)}) {
      String name = TrainJob.name(definition(PipelineDefinition.pipelineName(model), c));
      assertThat(name).as(model).matches("^[a-z]([-a-z0-9]*[a-z0-9])?$").hasSizeLessThan(64);
    }
    assertThat(TrainJob.name(definition("2024", c))).isEqualTo("m-2024-train");
  }

  @Test
  void quantities_asTheSdkConvertsThem() {
    assertThat(Quantities.cores("4")).isEqualTo(4.0);
    assertThat(Quantities.cores("250m")).isEqualTo(0.25);
    assertThat(Quantities.bytes("8G")).isEqualTo(8e9);
    assertThat(Quantities.bytes("512Mi")).isEqualTo(512.0 * 1024 * 1024);
  }
}
