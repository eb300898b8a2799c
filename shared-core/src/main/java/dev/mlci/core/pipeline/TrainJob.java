package dev.mlci.core.pipeline;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Kubeflow Trainer {@code trainer.kubeflow.org/v1alpha1} TrainJob that trains (and evaluates) the
 * model, for a cluster with Kubeflow Trainer but without Kubeflow Pipelines: one training node of
 * the named {@code ClusterTrainingRuntime} runs the runner image's {@code mlci task job}, as {@link
 * KubernetesJob}'s container does. The runtime owns the pod (its volumes, security context, retries
 * as its JobSet's failure policy); the TrainJob sets the trainer's image, command and arguments,
 * one node, ml.yaml's {@code compute} as {@code resourcesPerNode} and its timeout as {@code
 * activeDeadlineSeconds}. The job clones and writes under {@value #ROOT}, which a runtime leaves
 * writable.
 *
 * <p>Example-repos' KubernetesJobIT validates it strictly against the TrainJob CRD's {@code
 * openAPIV3Schema} (kubeflow/trainer's {@code
 * manifests/base/crds/trainer.kubeflow.org_trainjobs.yaml}).
 */
public final class TrainJob {
  /** The API version of the TrainJob. */
  public static final String API_VERSION = "trainer.kubeflow.org/v1alpha1";

  /** The runtime when none is named: the one Kubeflow Trainer installs for PyTorch. */
  public static final String DEFAULT_RUNTIME = "torch-distributed";

  /** Where the job clones and writes, inside the training node's container. */
  public static final String ROOT = "/tmp/mlci";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TrainJob() {}

  /**
   * The TrainJob's name: the Job's name ({@link KubernetesJob#name}), which the CRD wants an RFC
   * 1035 label (a letter first, at most 63 characters): {@code m-} goes before a leading digit.
   */
  public static String name(PipelineDefinition d) {
    String n = KubernetesJob.name(d);
    if (!Character.isLetter(n.charAt(0))) {
      n = "m-" + n;
      if (n.length() > 63) {
        n = "m-" + KubernetesJob.name(d).substring(0, 55).replaceAll("-+$", "") + "-train";
      }
    }
    return n;
  }

  /**
   * The TrainJob as YAML.
   *
   * @param runtime the {@code ClusterTrainingRuntime} to run on
   */
  public static String render(PipelineDefinition d, String runtime) {
    if (runtime.isBlank()) {
      throw new IllegalArgumentException("a TrainJob needs a runtime");
    }
    return "# Written by mlci pipeline k8s (a TrainJob): trains "
        + d.name()
        + " at "
        + d.commit()
        + "\n"
        + KfpPipeline.YAML.writeValueAsString(trainJob(d, runtime));
  }

  static ObjectNode trainJob(PipelineDefinition d, String runtime) {
    ObjectNode job = F.objectNode();
    job.put("apiVersion", API_VERSION);
    job.put("kind", "TrainJob");
    ObjectNode meta = job.putObject("metadata");
    meta.put("name", name(d));
    ObjectNode labels = meta.putObject("labels");
    labels.put(
        "app.kubernetes.io/name",
        d.name().length() > 63 ? d.name().substring(0, 63).replaceAll("-+$", "") : d.name());
    labels.put("app.kubernetes.io/component", "training");
    labels.put("app.kubernetes.io/managed-by", "mlci");
    meta.putObject("annotations")
        .put("mlci.dev/commit", d.commit())
        .put("mlci.dev/data-digest", d.dataDigest());
    ObjectNode spec = job.putObject("spec");
    spec.putObject("runtimeRef")
        .put("apiGroup", "trainer.kubeflow.org")
        .put("kind", "ClusterTrainingRuntime")
        .put("name", runtime);
    spec.put("activeDeadlineSeconds", d.compute().timeout().toSeconds());
    ObjectNode trainer = spec.putObject("trainer");
    trainer.put("image", d.image());
    ArrayNode command = trainer.putArray("command");
    RunnerImage.COMMAND.forEach(command::add);
    ArrayNode args = trainer.putArray("args");
    KubernetesJob.taskJobArgs(d, ROOT + "/workspace", ROOT + "/out").forEach(args::add);
    trainer.put("numNodes", 1);
    ObjectNode resources = KubernetesJob.resources(d.compute());
    if (!resources.isEmpty()) {
      trainer.set("resourcesPerNode", resources);
    }
    return job;
  }
}
