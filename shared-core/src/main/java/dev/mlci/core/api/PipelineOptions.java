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
 */
public record PipelineOptions(
    Kind kind,
    String image,
    Optional<String> repository,
    Optional<String> commit,
    Optional<String> targetBranch,
    Optional<String> claim) {
  /** What {@code mlci pipeline} writes. */
  public enum Kind {
    /** A Kubeflow Pipelines v2 pipeline (IR YAML), {@value PipelineStep#KFP_FILE}. */
    KFP,
    /** A Kubernetes batch/v1 Job, {@value PipelineStep#JOB_FILE}. */
    K8S
  }

  public PipelineOptions {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(targetBranch, "targetBranch");
    Objects.requireNonNull(claim, "claim");
  }
}
