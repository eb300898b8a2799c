package dev.mlci.core.pipeline;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Kubernetes {@code batch/v1} Job that trains (and evaluates) the model on a cluster without
 * Kubeflow Pipelines: one container of the runner image runs {@code mlci task job}, which clones
 * the repository at the commit, checks the data digest, trains and evaluates into {@value #OUT}.
 * That folder is a PersistentVolumeClaim when one is named (to collect the model afterwards), an
 * emptyDir otherwise. The pod runs as non-root with a read-only root file system; resources,
 * retries ({@code backoffLimit}) and the deadline come from ml.yaml's {@code compute}.
 *
 * <p>Example-repos' KubernetesJobIT validates the manifest strictly against the Kubernetes JSON
 * schemas, as the deploy manifests are.
 */
public final class KubernetesJob {
  /** Where the job writes mlci's output (the model, the evaluation). */
  public static final String OUT = "/mlci/out";

  /** Where the job clones the repository. */
  public static final String WORKSPACE = "/mlci/workspace";

  /** How long a finished Job stays for its logs: one day. */
  static final int TTL_SECONDS = 86_400;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private KubernetesJob() {}

  /** The Job's name: the pipeline name, cut to fit a DNS label with {@code -train}. */
  public static String name(PipelineDefinition d) {
    String base = d.name().length() > 57 ? d.name().substring(0, 57) : d.name();
    return base.replaceAll("-+$", "") + "-train";
  }

  /**
   * The Job as YAML.
   *
   * @param claim the PersistentVolumeClaim for {@value #OUT}; empty: an emptyDir
   */
  public static String render(PipelineDefinition d, Optional<String> claim) {
    return "# Written by mlci pipeline k8s: trains "
        + d.name()
        + " at "
        + d.commit()
        + "\n"
        + KfpPipeline.YAML.writeValueAsString(job(d, claim));
  }

  static ObjectNode job(PipelineDefinition d, Optional<String> claim) {
    ObjectNode job = F.objectNode();
    job.put("apiVersion", "batch/v1");
    job.put("kind", "Job");
    ObjectNode meta = job.putObject("metadata");
    meta.put("name", name(d));
    labels(meta.putObject("labels"), d);
    meta.putObject("annotations")
        .put("mlci.dev/commit", d.commit())
        .put("mlci.dev/data-digest", d.dataDigest());
    ObjectNode spec = job.putObject("spec");
    spec.put("backoffLimit", d.compute().retries());
    spec.put("activeDeadlineSeconds", d.compute().timeout().toSeconds());
    spec.put("ttlSecondsAfterFinished", TTL_SECONDS);
    ObjectNode template = spec.putObject("template");
    labels(template.putObject("metadata").putObject("labels"), d);
    ObjectNode pod = template.putObject("spec");
    pod.put("restartPolicy", "Never");
    pod.put("automountServiceAccountToken", false);
    pod.put("enableServiceLinks", false);
    ObjectNode security = pod.putObject("securityContext");
    security.put("runAsNonRoot", true);
    security.put("runAsUser", 65532);
    security.put("runAsGroup", 65532);
    security.put("fsGroup", 65532);
    security.putObject("seccompProfile").put("type", "RuntimeDefault");
    ObjectNode c = pod.putArray("containers").addObject();
    c.put("name", "train");
    c.put("image", d.image());
    ArrayNode command = c.putArray("command");
    RunnerImage.COMMAND.forEach(command::add);
    ArrayNode args = c.putArray("args");
    taskJobArgs(d, WORKSPACE, OUT).forEach(args::add);
    ObjectNode resources = resources(d.compute());
    if (!resources.isEmpty()) {
      c.set("resources", resources);
    }
    ObjectNode csc = c.putObject("securityContext");
    csc.put("allowPrivilegeEscalation", false);
    csc.put("readOnlyRootFilesystem", true);
    csc.putObject("capabilities").putArray("drop").add("ALL");
    ArrayNode mounts = c.putArray("volumeMounts");
    mounts.addObject().put("name", "workspace").put("mountPath", WORKSPACE);
    mounts.addObject().put("name", "out").put("mountPath", OUT);
    mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
    ArrayNode volumes = pod.putArray("volumes");
    volumes.addObject().put("name", "workspace").putObject("emptyDir");
    ObjectNode out = volumes.addObject().put("name", "out");
    if (claim.isPresent()) {
      out.putObject("persistentVolumeClaim").put("claimName", claim.get());
    } else {
      out.putObject("emptyDir");
    }
    volumes.addObject().put("name", "tmp").putObject("emptyDir");
    return job;
  }

  /**
   * The runner image's arguments for the training step ({@code mlci task job}), which the Job and
   * the Kubeflow Trainer TrainJob both run: clone {@code d}'s commit into {@code workspace}, train
   * and evaluate into {@code out}.
   */
  static List<String> taskJobArgs(PipelineDefinition d, String workspace, String out) {
    return List.of(
        "task",
        "job",
        "--repository",
        d.repository(),
        "--commit",
        d.commit(),
        "--workspace",
        workspace,
        "--project",
        d.project(),
        "--config",
        d.config(),
        "--data-digest",
        d.dataDigest(),
        "--out",
        out);
  }

  private static void labels(ObjectNode labels, PipelineDefinition d) {
    labels.put(
        "app.kubernetes.io/name",
        d.name().length() > 63 ? d.name().substring(0, 63).replaceAll("-+$", "") : d.name());
    labels.put("app.kubernetes.io/component", "training");
    labels.put("app.kubernetes.io/managed-by", "mlci");
  }

  /** Requests equal to limits (a Guaranteed pod when both are given); GPUs as limits only. */
  static ObjectNode resources(ComputeConfig c) {
    ObjectNode r = F.objectNode();
    ObjectNode values = F.objectNode();
    c.cpu().ifPresent(v -> values.put("cpu", v));
    c.memory().ifPresent(v -> values.put("memory", v));
    if (!values.isEmpty()) {
      r.set("requests", values.deepCopy());
    }
    ObjectNode limits = values.deepCopy();
    if (c.gpu() > 0) {
      limits.put(c.gpuType(), String.valueOf(c.gpu()));
    }
    if (!limits.isEmpty()) {
      r.set("limits", limits);
    }
    return r;
  }
}
