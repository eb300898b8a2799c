package dev.mlci.core.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci pipeline kfp|k8s}.
 *
 * @param kind what to write: a Kubeflow pipeline or a Kubernetes Job
 * @param image the runner image pinned by digest ({@code REPO@sha256:HEX}, as {@code mlci image
 *     cli} prints it)
 * @param repository the git URL the cluster clones; default: the {@code origin} remote
 * @param commit the commit to train; default: HEAD (a checkout with uncommitted changes is refused,
 *     since the cluster could not see them)
 * @param targetBranch the gate's target branch; default: ml.yaml's {@code gate.target}, else {@code
 *     main}
 * @param claim (Job only) a PersistentVolumeClaim for the job's output; default: an emptyDir
 * @param branch (Kubeflow only) the branch the pipeline runs for; default: the checkout's branch
 *     (the commit id when HEAD is detached, as on a pull request's merge commit)
 * @param servingBase (Kubeflow only) the serving image's base; default {@value
 *     ContainerizeOptions#DEFAULT_BASE}
 * @param imageTarget (Kubeflow only) where containerize puts the serving image, {@code
 *     registry://REF}; default: a Docker tarball in the task's {@code image} artifact
 * @param allowInsecureRegistries (Kubeflow only) plain-HTTP registries for containerize
 * @param runtime (TrainJob only) the Kubeflow Trainer {@code ClusterTrainingRuntime}; default
 *     {@value dev.mlci.core.pipeline.TrainJob#DEFAULT_RUNTIME}
 */
public record PipelineOptions(
    Kind kind,
    String image,
    Optional<String> repository,
    Optional<String> commit,
    Optional<String> targetBranch,
    Optional<String> claim,
    Optional<String> branch,
    Optional<String> servingBase,
    Optional<String> imageTarget,
    boolean allowInsecureRegistries,
    Optional<String> runtime) {
  /** What {@code mlci pipeline} writes. */
  public enum Kind {
    /** A Kubeflow Pipelines v2 pipeline (IR YAML), {@value PipelineStep#KFP_FILE}. */
    KFP,
    /** A Kubernetes batch/v1 Job, {@value PipelineStep#JOB_FILE}. */
    K8S,
    /** A Kubeflow Trainer TrainJob, {@value PipelineStep#TRAINJOB_FILE}. */
    TRAINJOB
  }

  public PipelineOptions {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(targetBranch, "targetBranch");
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(servingBase, "servingBase");
    Objects.requireNonNull(imageTarget, "imageTarget");
    Objects.requireNonNull(runtime, "runtime");
  }

  /** Options with the containerize task's defaults. */
  public PipelineOptions(
      Kind kind,
      String image,
      Optional<String> repository,
      Optional<String> commit,
      Optional<String> targetBranch,
      Optional<String> claim) {
    this(
        kind,
        image,
        repository,
        commit,
        targetBranch,
        claim,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty());
  }
}
