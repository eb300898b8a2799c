package dev.mlci.cli;

import dev.mlci.core.api.StepContext;
import dev.mlci.core.api.StepListener;
import dev.mlci.core.api.TaskOptions;
import dev.mlci.core.api.TaskResult;
import dev.mlci.core.api.TaskStep;
import dev.mlci.core.errors.MlciException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlci task}: one task of a written pipeline, as the runner image runs it on a cluster. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = {
      "Run one task of a pipeline 'mlci pipeline' wrote, inside the runner image.",
      "Tasks: checkout, train, evaluate, gate, containerize, register (Kubeflow) or job (a"
          + " Kubernetes Job). Train, evaluate and gate record into one MLflow run, handing the"
          + " link to it on (--tracking-in, --tracking-out); register registers the model from"
          + " that run and moves --alias. MLflow credentials come from the environment"
          + " (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)."
    })
final class TaskCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TASK",
      description = "checkout, train, evaluate, gate, containerize, register or job")
  String task;

  @Option(names = "--workspace", required = true, paramLabel = "DIR")
  Path workspace;

  @Option(names = "--repository", paramLabel = "URL")
  String repository;

  @Option(names = "--commit", paramLabel = "SHA")
  String commit;

  @Option(names = "--project", paramLabel = "DIR", defaultValue = ".")
  String project;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "ml.yaml")
  String config;

  @Option(names = "--data-digest", paramLabel = "sha256:HEX")
  String dataDigest;

  @Option(names = "--model", paramLabel = "PATH")
  Path model;

  @Option(names = "--evaluation", paramLabel = "PATH")
  Path evaluation;

  @Option(names = "--metrics", paramLabel = "PATH")
  Path metrics;

  @Option(names = "--classification-metrics", paramLabel = "FILE")
  Path classificationMetrics;

  @Option(names = "--reports", paramLabel = "PATH")
  Path reports;

  @Option(names = "--verdict", paramLabel = "FILE")
  Path verdict;

  @Option(names = "--bundle", paramLabel = "FILE")
  Path bundle;

  @Option(names = "--target-branch", paramLabel = "BRANCH")
  String targetBranch;

  @Option(names = "--out", paramLabel = "DIR")
  Path out;

  @Option(names = "--executor-input", paramLabel = "JSON", description = "Kubeflow's {{$}}.")
  String executorInput;

  @Option(
      names = "--executor-output",
      paramLabel = "FILE",
      description = "Kubeflow's {{$.outputs.output_file}}.")
  Path executorOutput;

  @Option(names = "--base", paramLabel = "IMAGE", description = "The serving image's base.")
  String base;

  @Option(
      names = "--image-target",
      paramLabel = "registry://REF",
      description = "Where the serving image goes; empty: a tarball in --image.")
  String imageTarget;

  @Option(names = "--image", paramLabel = "DIR", description = "The image artifact.")
  Path image;

  @Option(names = "--allow-insecure-registries")
  boolean allowInsecureRegistries;

  @Option(
      names = "--mlflow-tracking-uri",
      paramLabel = "URL",
      description =
          "The MLflow tracking server (the pipeline's mlflow_tracking_uri); replaces tracking.uri"
              + " and MLFLOW_TRACKING_URI, empty: none.")
  String mlflowTrackingUri;

  @Option(
      names = "--tracking-in",
      paramLabel = "FILE",
      description = "The link to the model's MLflow run the task before wrote.")
  Path trackingIn;

  @Option(
      names = "--tracking-out",
      paramLabel = "FILE",
      description = "Where the task writes the link on.")
  Path trackingOut;

  @Option(
      names = "--alias",
      paramLabel = "ALIAS",
      description = "The alias register moves to the new version. Default: champion.")
  String alias;

  @Option(
      names = "--model-version",
      paramLabel = "FILE",
      description = "The file of register's output parameter: the new version.")
  Path modelVersion;

  @Override
  public Integer call() throws MlciException {
    TaskOptions.Task kind;
    try {
      kind = TaskOptions.Task.valueOf(task.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "'"
              + task
              + "' is not a task; use checkout, train, evaluate, gate, containerize, register or"
              + " job");
    }
    TaskResult r =
        new TaskStep(
                StepContext.of(StepListener.NONE, Clock.systemUTC(), System.getenv()),
                new TaskOptions(
                    kind,
                    workspace,
                    Optional.ofNullable(repository),
                    Optional.ofNullable(commit),
                    project,
                    config,
                    Optional.ofNullable(dataDigest),
                    Optional.ofNullable(model),
                    Optional.ofNullable(evaluation),
                    Optional.ofNullable(metrics),
                    Optional.ofNullable(classificationMetrics),
                    Optional.ofNullable(reports),
                    Optional.ofNullable(verdict),
                    Optional.ofNullable(bundle),
                    Optional.ofNullable(targetBranch),
                    Optional.ofNullable(out),
                    Optional.ofNullable(executorInput),
                    Optional.ofNullable(executorOutput),
                    System.getenv(),
                    Optional.ofNullable(base),
                    Optional.ofNullable(imageTarget),
                    Optional.ofNullable(image),
                    allowInsecureRegistries,
                    new TaskOptions.Mlflow(
                        Optional.ofNullable(mlflowTrackingUri),
                        Optional.ofNullable(trackingIn),
                        Optional.ofNullable(trackingOut),
                        Optional.ofNullable(alias),
                        Optional.ofNullable(modelVersion))))
            .call();
    spec.commandLine().getOut().println(task + ": " + r.summary());
    r.verdict().ifPresent(v -> spec.commandLine().getOut().println("verdict: " + v));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
