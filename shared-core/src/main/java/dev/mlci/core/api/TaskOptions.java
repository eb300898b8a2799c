package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci task}, one task of a pipeline {@code mlci pipeline} wrote, run inside the
 * runner image on the cluster. Paths are the task's artifacts as Kubeflow hands them over.
 *
 * @param task which task
 * @param workspace the checked-out repository (written by {@code checkout} and {@code job}, read by
 *     the others)
 * @param repository the git URL to clone ({@code checkout}, {@code job})
 * @param commit the commit to check out ({@code checkout}, {@code job})
 * @param project the folder of ml.yaml in the repository ({@code .} for its root)
 * @param config ml.yaml's file name in {@code project}
 * @param dataDigest the data digest the pipeline was written for; training refuses other data
 * @param model the model artifact (written by {@code train}, read by {@code evaluate} and {@code
 *     gate})
 * @param evaluation the evaluation artifact (written by {@code evaluate}, read by {@code gate})
 * @param metrics the metrics artifact, a JSON file ({@code evaluate})
 * @param reports the gate's reports ({@code gate})
 * @param verdict the file of the verdict output parameter ({@code gate})
 * @param classificationMetrics the {@code system.ClassificationMetrics} artifact ({@code evaluate}
 *     of a classifier): its metadata as JSON
 * @param bundle the zip file of the evaluation and the reports ({@code gate}), what {@code mlci run
 *     --on kfp} downloads
 * @param targetBranch the gate's target branch
 * @param out mlci's output folder ({@code job})
 * @param executorInput Kubeflow's {@code ExecutorInput} of the task (JSON, {@code {{$}}})
 * @param executorOutput where Kubeflow reads the task's {@code ExecutorOutput}
 * @param env the environment (MLflow, git credentials)
 * @param base the serving image's base ({@code containerize})
 * @param imageTarget where the serving image goes, {@code registry://REF}; empty: a Docker tarball
 *     in the {@code image} artifact ({@code containerize})
 * @param image the image artifact: description, deploy manifests, tarball (written by {@code
 *     containerize}, read by {@code register} for the image's reference and digest)
 * @param allowInsecureRegistries plain-HTTP registries ({@code containerize})
 * @param mlflow the MLflow run the task records into, and what {@code register} registers as
 */
public record TaskOptions(
    Task task,
    Path workspace,
    Optional<String> repository,
    Optional<String> commit,
    String project,
    String config,
    Optional<String> dataDigest,
    Optional<Path> model,
    Optional<Path> evaluation,
    Optional<Path> metrics,
    Optional<Path> classificationMetrics,
    Optional<Path> reports,
    Optional<Path> verdict,
    Optional<Path> bundle,
    Optional<String> targetBranch,
    Optional<Path> out,
    Optional<String> executorInput,
    Optional<Path> executorOutput,
    Map<String, String> env,
    Optional<String> base,
    Optional<String> imageTarget,
    Optional<Path> image,
    boolean allowInsecureRegistries,
    Mlflow mlflow) {
  /**
   * The MLflow side of a task: train starts a run on the server, evaluate and gate add to it,
   * register registers the model from it; each hands on the link to the run ({@code tracking.json})
   * as an artifact.
   *
   * @param trackingUri the tracking server, the pipeline's parameter; given, it replaces ml.yaml's
   *     {@code tracking.uri} and the environment's MLFLOW_TRACKING_URI, and empty means no server
   *     (the environment still gives the credentials and the experiment); absent: as {@code mlci
   *     run}
   * @param trackingIn the link the task before wrote ({@code evaluate}, {@code gate}, {@code
   *     register})
   * @param trackingOut where the task writes the link on ({@code train}, {@code evaluate}, {@code
   *     gate})
   * @param alias the alias {@code register} moves to the new version
   * @param modelVersion the file of {@code register}'s output parameter: the new version
   */
  public record Mlflow(
      Optional<String> trackingUri,
      Optional<Path> trackingIn,
      Optional<Path> trackingOut,
      Optional<String> alias,
      Optional<Path> modelVersion) {
    public Mlflow {
      Objects.requireNonNull(trackingUri, "trackingUri");
      Objects.requireNonNull(trackingIn, "trackingIn");
      Objects.requireNonNull(trackingOut, "trackingOut");
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(modelVersion, "modelVersion");
    }

    /** Tracked as {@code mlci run} tracks, no link handed on. */
    public static Mlflow none() {
      return new Mlflow(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /** The tasks of a pipeline. */
  public enum Task {
    /** Clone the repository at the commit into the workspace. */
    CHECKOUT,
    /** Train into the model artifact. */
    TRAIN,
    /** Evaluate the model artifact into the evaluation and metrics artifacts. */
    EVALUATE,
    /** Gate the evaluation; reports and the verdict parameter. */
    GATE,
    /** On the target branch: build the serving image of the model artifact. */
    CONTAINERIZE,
    /** After containerize: register the model from its MLflow run and move the alias. */
    REGISTER,
    /** A Kubernetes Job's work: checkout, train and evaluate into {@code out}. */
    JOB
  }

  public TaskOptions {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(dataDigest, "dataDigest");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(evaluation, "evaluation");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(classificationMetrics, "classificationMetrics");
    Objects.requireNonNull(reports, "reports");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(targetBranch, "targetBranch");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(executorInput, "executorInput");
    Objects.requireNonNull(executorOutput, "executorOutput");
    env = Map.copyOf(env);
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(imageTarget, "imageTarget");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(mlflow, "mlflow");
  }
}
