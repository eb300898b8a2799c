package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.pipeline.Checkout;
import dev.mlci.core.pipeline.DataDigest;
import dev.mlci.core.pipeline.ExecutorOutput;
import dev.mlci.core.pipeline.TreeCopy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One task of a pipeline, run in the runner image: it lays the artifacts it was handed out as
 * mlci's output folder in a scratch copy of the workspace (an input artifact is never written to),
 * runs the step ({@link TrainStep}, {@link EvaluateStep}, {@link GateStep}) exactly as {@code mlci
 * run} does on a runner, and copies what the step wrote to the task's output artifacts. The gate
 * task writes the verdict to its output parameter and succeeds whatever the verdict: the verdict is
 * the pipeline's result, for whoever started it to act on.
 */
public final class TaskStep {
  private final StepContext context;
  private final TaskOptions options;

  public TaskStep(StepContext context, TaskOptions options) {
    this.context = java.util.Objects.requireNonNull(context, "context");
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  /** Runs the task. */
  public TaskResult call() throws MlciException {
    TaskOptions o = options;
    try {
      TaskResult r =
          switch (o.task()) {
            case CHECKOUT -> {
              checkout(o.workspace());
              yield new TaskResult(
                  o.task(), "checked out " + o.commit().orElse(""), Optional.empty());
            }
            case JOB -> job();
            default -> step();
          };
      if (o.executorOutput().isPresent()) {
        writeExecutorOutput(o.executorOutput().get());
      }
      return r;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot run the " + o.task().name().toLowerCase(java.util.Locale.ROOT) + " task: " + e,
          e);
    }
  }

  /** The task's {@code ExecutorOutput} for Kubeflow; the metrics artifact's values as metadata. */
  private void writeExecutorOutput(Path file) throws MlciException, IOException {
    String input = required(options.executorInput(), "--executor-input");
    java.util.Map<String, tools.jackson.databind.node.ObjectNode> metadata =
        new java.util.TreeMap<>();
    if (options.metrics().isPresent() && Files.isRegularFile(options.metrics().get())) {
      tools.jackson.databind.JsonNode m =
          new tools.jackson.databind.ObjectMapper()
              .readTree(options.metrics().get().toFile())
              .path("metrics");
      tools.jackson.databind.node.ObjectNode values =
          tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      m.properties()
          .forEach(
              e -> {
                if (e.getValue().isNumber()) {
                  values.put(e.getKey(), e.getValue().asDouble());
                }
              });
      metadata.put("metrics", values);
    }
    if (options.task() == TaskOptions.Task.EVALUATE
        && options.classificationMetrics().isPresent()
        && Files.isRegularFile(options.classificationMetrics().get())) {
      metadata.put(
          dev.mlci.core.pipeline.KfpPipeline.CLASSIFICATION_METRICS,
          (tools.jackson.databind.node.ObjectNode)
              new tools.jackson.databind.ObjectMapper()
                  .readTree(options.classificationMetrics().get().toFile()));
    }
    try {
      ExecutorOutput.write(file, input, metadata);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(
              "--executor-input",
              "",
              "this is not Kubeflow's executor input: " + e.getMessage() + ".",
              "give the task the placeholder {{$}} as the pipeline does."));
    }
  }

  /** A classifier's confusion matrix and ROC curve, in KFP's shape, as the artifact's file. */
  private static void writeClassificationMetrics(Workspace ws, Path to)
      throws MlciException, IOException {
    dev.mlci.core.eval.EvaluationBundle b =
        dev.mlci.core.eval.BundleFile.read(
            ws.evalDir().resolve(dev.mlci.core.eval.EvaluationBundle.FILE),
            "the evaluation just written",
            "");
    if (!(b.predictions() instanceof dev.mlci.core.eval.ClassificationPredictions p)) {
      return;
    }
    if (Files.isDirectory(to) && isEmptyDir(to)) {
      Files.delete(to);
    }
    Files.createDirectories(to.toAbsolutePath().getParent());
    Files.writeString(
        to,
        dev.mlci.core.pipeline.KfpClassificationMetrics.metadata(p).toPrettyString() + "\n",
        StandardCharsets.UTF_8);
  }

  private void checkout(Path into) throws MlciException, IOException {
    String repository = required(options.repository(), "--repository");
    String commit = required(options.commit(), "--commit");
    if (Files.exists(into) && !isEmptyDir(into)) {
      throw new BadInputException(
          Problem.in(
              "--workspace",
              "",
              into + " is not empty; the checkout would mix with what lies there.",
              "give an empty or absent folder."));
    }
    try {
      Checkout.clone(repository, commit, into);
    } catch (Checkout.CheckoutException e) {
      if (e.missing()) {
        throw new BadInputException(
            Problem.in(
                "--commit",
                "",
                e.getMessage() + ".",
                "push the commit, or pass one that is pushed."));
      }
      throw new EnvironmentException(e.getMessage(), e);
    }
  }

  private TaskResult job() throws MlciException, IOException {
    checkout(options.workspace());
    Path out = required(options.out(), "--out");
    Plan plan = plan(options.workspace(), out);
    checkData(plan);
    TrainResult train = new TrainStep(context, plan).call();
    EvaluateResult eval = new EvaluateStep(context, plan).call();
    return new TaskResult(
        options.task(),
        "trained and evaluated " + plan.name() + " into " + out + " (" + train + "; " + eval + ")",
        Optional.empty());
  }

  private TaskResult step() throws MlciException, IOException {
    for (var in :
        java.util.List.of(
            java.util.Map.entry("--workspace", Optional.of(options.workspace())),
            java.util.Map.entry(
                "--model",
                options.task() == TaskOptions.Task.TRAIN
                    ? Optional.<Path>empty()
                    : options.model()),
            java.util.Map.entry(
                "--evaluation",
                options.task() == TaskOptions.Task.GATE
                    ? options.evaluation()
                    : Optional.<Path>empty()))) {
      if (in.getValue().isPresent() && !Files.exists(in.getValue().get())) {
        throw new BadInputException(
            Problem.in(
                in.getKey(),
                "",
                in.getValue().get() + " does not exist; this task reads it.",
                "give the artifact the task before wrote, as the pipeline does."));
      }
    }
    Path scratch = Files.createTempDirectory("mlci-task-");
    Path repo = scratch.resolve("repository");
    TreeCopy.copy(options.workspace(), repo);
    Path out = scratch.resolve("out");
    Plan plan = plan(repo, out);
    Workspace ws = plan.workspace();
    Files.createDirectories(out);
    if (options.task() == TaskOptions.Task.CONTAINERIZE) {
      // ContainerizeStep reads the model from OUT/model; nothing else of the earlier tasks.
      TreeCopy.copy(required(options.model(), "--model"), ws.modelDir());
      return containerize(plan, scratch);
    }
    if (options.task() != TaskOptions.Task.TRAIN) {
      TreeCopy.copy(required(options.model(), "--model"), ws.modelDir());
    }
    if (options.task() == TaskOptions.Task.GATE) {
      TreeCopy.copy(required(options.evaluation(), "--evaluation"), ws.evalDir());
    }
    return switch (options.task()) {
      case TRAIN -> {
        checkData(plan);
        new TrainStep(context, plan).call();
        publish(ws.modelDir(), required(options.model(), "--model"));
        yield new TaskResult(options.task(), "trained " + plan.name(), Optional.empty());
      }
      case EVALUATE -> {
        new EvaluateStep(context, plan).call();
        publish(ws.evalDir(), required(options.evaluation(), "--evaluation"));
        publish(
            ws.evalDir().resolve(EvaluationFiles.METRICS),
            required(options.metrics(), "--metrics"));
        if (options.classificationMetrics().isPresent()) {
          writeClassificationMetrics(ws, options.classificationMetrics().get());
        }
        yield new TaskResult(options.task(), "evaluated " + plan.name(), Optional.empty());
      }
      case GATE -> {
        GateOutcome g =
            new GateStep(
                    context,
                    plan,
                    new GateOptions(
                        options.targetBranch(), Optional.empty(), false, true, options.env()))
                .call();
        publish(ws.out().resolve(Workspace.GATE_DIR), required(options.reports(), "--reports"));
        Path verdict = required(options.verdict(), "--verdict");
        Files.createDirectories(verdict.toAbsolutePath().getParent());
        Files.writeString(verdict, g.verdict(), StandardCharsets.UTF_8);
        if (options.bundle().isPresent()) {
          Path bundle = options.bundle().get();
          if (Files.isDirectory(bundle) && isEmptyDir(bundle)) {
            Files.delete(bundle);
          }
          dev.mlci.core.pipeline.ResultBundle.write(
              bundle,
              java.util.Map.of(
                  dev.mlci.core.pipeline.ResultBundle.EVAL,
                  ws.evalDir(),
                  dev.mlci.core.pipeline.ResultBundle.GATE,
                  ws.out().resolve(Workspace.GATE_DIR)));
        }
        yield new TaskResult(options.task(), g.headline(), Optional.of(g.verdict()));
      }
      default -> throw new IllegalStateException("not a step task: " + options.task());
    };
  }

  /**
   * Builds the serving image with {@link ContainerizeStep} (as {@code mlci containerize}: not
   * verified, since no container engine runs inside the task) into the registry target, or into a
   * Docker tarball; publishes {@code OUT/image} (and the tarball) as the image artifact.
   */
  private TaskResult containerize(Plan plan, Path scratch) throws MlciException, IOException {
    Path artifact = required(options.image(), "--image");
    String target = options.imageTarget().orElse("");
    Path tar = scratch.resolve(dev.mlci.core.pipeline.KfpPipeline.IMAGE_TAR);
    boolean tarball = target.isEmpty();
    if (tarball) {
      target = "tar://" + tar;
    }
    ContainerizeResult r;
    try {
      r =
          new ContainerizeStep(context)
              .call(
                  plan,
                  new ContainerizeOptions(
                      options.base().orElse(ContainerizeOptions.DEFAULT_BASE),
                      target,
                      tarball
                          ? Optional.of("mlci/" + plan.name().toLowerCase(java.util.Locale.ROOT))
                          : Optional.empty(),
                      options.allowInsecureRegistries(),
                      options.env()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while building the serving image", e);
    }
    publish(plan.workspace().imageDir(), artifact);
    if (tarball) {
      Files.move(tar, artifact.resolve(dev.mlci.core.pipeline.KfpPipeline.IMAGE_TAR));
    }
    return new TaskResult(
        options.task(),
        "built " + r.reference() + " (" + r.digest() + ") into " + r.target(),
        Optional.empty());
  }

  private Plan plan(Path repo, Path out) throws BadInputException {
    Path project = repo.resolve(options.project()).normalize();
    if (!project.startsWith(repo.normalize())) {
      throw new BadInputException(
          Problem.in(
              "--project",
              "",
              "'" + options.project() + "' leaves the repository.",
              "give the folder of ml.yaml relative to the repository's root."));
    }
    return Mlci.plan(
        Workspace.of(project, Optional.of(project.resolve(options.config())), Optional.of(out)));
  }

  /** Refuses data other than the data the pipeline was written for. */
  private void checkData(Plan plan) throws MlciException, IOException {
    if (options.dataDigest().isEmpty() || options.dataDigest().get().isEmpty()) {
      return;
    }
    String actual = DataDigest.of(plan.loaded().folder(), PipelineStep.dataFiles(plan));
    if (!actual.equals(options.dataDigest().get())) {
      throw new BadInputException(
          Problem.in(
              "--data-digest",
              "",
              "the data at this commit has digest "
                  + actual
                  + ", not "
                  + options.dataDigest().get()
                  + " as the pipeline was written for.",
              "write the pipeline again from the commit it runs, or give it that commit's data"
                  + " digest."));
    }
  }

  /** Copies {@code from} to the output artifact {@code to} (an empty folder there is replaced). */
  private static void publish(Path from, Path to) throws IOException {
    if (Files.isDirectory(to) && isEmptyDir(to)) {
      Files.delete(to);
    }
    TreeCopy.copy(from, to);
  }

  private static boolean isEmptyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static <T> T required(Optional<T> value, String flag) throws BadInputException {
    return value.orElseThrow(
        () ->
            new BadInputException(
                Problem.in(flag, "", "this task needs it.", "give it as the pipeline does.")));
  }
}
