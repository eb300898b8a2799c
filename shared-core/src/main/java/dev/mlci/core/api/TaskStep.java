package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.io.OutputDirectory;
import dev.mlci.core.pipeline.Checkout;
import dev.mlci.core.pipeline.DataDigest;
import dev.mlci.core.pipeline.ExecutorOutput;
import dev.mlci.core.pipeline.KfpPipeline;
import dev.mlci.core.pipeline.PipelineDefinition;
import dev.mlci.core.pipeline.TreeCopy;
import dev.mlci.core.tracking.Tracking;
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
 * the pipeline's result, for whoever started it to act on. Train, evaluate and gate record into one
 * MLflow run, as on a runner: each is handed the link to it ({@code tracking.json}) by the task
 * before and hands it on; register registers the model from that run ({@link RegisterStep}).
 */
public final class TaskStep {
  /** The registered version's tag holding the serving image's reference. */
  public static final String IMAGE_TAG = "mlci.image";

  /** The registered version's tag holding the serving image's digest. */
  public static final String IMAGE_DIGEST_TAG = "mlci.image.digest";

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
                    : Optional.<Path>empty()),
            java.util.Map.entry("--tracking-in", options.mlflow().trackingIn()),
            java.util.Map.entry(
                "--image",
                options.task() == TaskOptions.Task.REGISTER
                    ? options.image()
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
    StepContext tracked = trackedContext();
    handIn(out);
    if (options.task() == TaskOptions.Task.REGISTER) {
      return register(tracked, plan);
    }
    TaskResult result = step(tracked, plan, ws);
    handOn(out);
    return result;
  }

  /** Train, evaluate or gate in the scratch output folder, published to the output artifacts. */
  private TaskResult step(StepContext context, Plan plan, Workspace ws)
      throws MlciException, IOException {
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
    Plan plan =
        Mlci.plan(
            Workspace.of(
                project, Optional.of(project.resolve(options.config())), Optional.of(out)));
    if (options.mlflow().trackingUri().isEmpty()) {
      return plan;
    }
    return new Plan(plan.workspace(), plan.loaded().withTrackingUri(pipelineServer()));
  }

  /** The pipeline parameter's tracking server; empty when it is empty (no server). */
  private Optional<String> pipelineServer() {
    return options.mlflow().trackingUri().map(String::strip).filter(u -> !u.isEmpty());
  }

  /**
   * The context the steps run with: given the pipeline's tracking server, the environment's
   * MLFLOW_TRACKING_URI no longer applies (the plan's {@code tracking.uri} is the parameter); the
   * credentials and MLFLOW_EXPERIMENT_NAME still come from the environment.
   */
  private StepContext trackedContext() {
    if (options.mlflow().trackingUri().isEmpty()) {
      return context;
    }
    java.util.Map<String, String> env = new java.util.HashMap<>(context.env());
    env.remove("MLFLOW_TRACKING_URI");
    return new StepContext(context.progress(), context.clock(), env, context.track());
  }

  /** Puts the link the task before handed on where the steps look for it: OUT/tracking.json. */
  private void handIn(Path out) throws MlciException, IOException {
    if (options.mlflow().trackingIn().isEmpty()) {
      return;
    }
    Path link = options.mlflow().trackingIn().get();
    if (!Files.isRegularFile(link)) {
      throw new BadInputException(
          Problem.in(
              "--tracking-in",
              "",
              link + " is not a file; the tracking link is the file the task before wrote.",
              "give the task before's "
                  + KfpPipeline.TRACKING
                  + " artifact, as the pipeline does."));
    }
    OutputDirectory.writeFile(out.resolve(Tracking.STATE_FILE), Files.readAllBytes(link));
  }

  /**
   * Hands the link to the model's run on ({@code {}} when the step kept none: tracking off, or its
   * file could not be written, which the step warned about).
   */
  private void handOn(Path out) throws IOException {
    if (options.mlflow().trackingOut().isEmpty()) {
      return;
    }
    Path to = options.mlflow().trackingOut().get();
    Path link = out.resolve(Tracking.STATE_FILE);
    byte[] bytes =
        Files.isRegularFile(link)
            ? Files.readAllBytes(link)
            : "{}\n".getBytes(StandardCharsets.UTF_8);
    if (Files.isDirectory(to) && isEmptyDir(to)) {
      Files.delete(to);
    }
    Files.createDirectories(to.toAbsolutePath().getParent());
    Files.write(to, bytes);
  }

  /**
   * Registers the shipped model from the MLflow run train, evaluate and gate recorded, tagged with
   * the serving image containerize built, as {@code mlci register} does; writes the new version to
   * the output parameter. Refuses (exit 2) without a server, without the link, or with a link to a
   * run on another server, before calling any server.
   */
  private TaskResult register(StepContext context, Plan plan) throws MlciException, IOException {
    if (options.mlflow().trackingUri().isPresent() && pipelineServer().isEmpty()) {
      throw new BadInputException(
          Problem.in(
              "--mlflow-tracking-uri",
              "",
              "register needs an MLflow tracking server, and the pipeline parameter "
                  + KfpPipeline.TRACKING_URI
                  + " is empty (the pipeline skips register then).",
              "set "
                  + KfpPipeline.TRACKING_URI
                  + " to the server train, evaluate and gate recorded on, e.g."
                  + " http://mlflow.internal:5000."));
    }
    if (options.mlflow().trackingIn().isEmpty()) {
      throw new BadInputException(
          Problem.in(
              "--tracking-in",
              "",
              "register needs the link to the model's MLflow run, which it registers from.",
              "give it the gate task's "
                  + KfpPipeline.TRACKING
                  + " artifact, as the pipeline does."));
    }
    checkLink(context, plan, options.mlflow().trackingIn().get());
    java.util.Map<String, String> tags = new java.util.TreeMap<>();
    if (options.image().isPresent()) {
      Path described = options.image().get().resolve(ContainerizeStep.IMAGE_JSON);
      tools.jackson.databind.JsonNode image;
      try {
        image = dev.mlci.core.io.Json.read(described);
      } catch (IOException | RuntimeException e) {
        throw new BadInputException(
            Problem.in(
                "--image",
                "",
                "cannot read "
                    + described
                    + " ("
                    + e.getMessage()
                    + "); this is not containerize's image artifact.",
                "give the containerize task's " + KfpPipeline.IMAGE + " artifact."));
      }
      tags.put(IMAGE_TAG, image.path("reference").asString(""));
      tags.put(IMAGE_DIGEST_TAG, image.path("digest").asString(""));
      tags.values().removeIf(String::isEmpty);
    }
    String alias = options.mlflow().alias().orElse(PipelineDefinition.Registration.DEFAULT_ALIAS);
    RegisterResult r =
        new RegisterStep(context, plan, new RegisterOptions(Optional.empty(), alias, tags)).call();
    if (options.mlflow().modelVersion().isPresent()) {
      Path file = options.mlflow().modelVersion().get();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, r.version(), StandardCharsets.UTF_8);
    }
    return new TaskResult(
        options.task(),
        "registered "
            + r.name()
            + " version "
            + r.version()
            + " from run "
            + r.runUrl()
            + "; alias "
            + r.alias()
            + " -> version "
            + r.version(),
        Optional.empty());
  }

  /**
   * The link is mlci's and to a run on this task's server: a link from another server (the tasks
   * before ran with another {@code mlflow_tracking_uri}) or with no server run is refused here,
   * naming the pipeline's parameter.
   */
  private void checkLink(StepContext context, Plan plan, Path link) throws BadInputException {
    tools.jackson.databind.JsonNode state;
    try {
      state = dev.mlci.core.io.Json.read(link);
    } catch (IOException | RuntimeException e) {
      state = null;
    }
    if (state == null || !state.isObject()) {
      throw new BadInputException(
          Problem.in(
              "--tracking-in",
              "",
              link + " is not a tracking link mlci wrote (not a JSON object).",
              "give it the gate task's " + KfpPipeline.TRACKING + " artifact."));
    }
    String linked = state.path("server").path("uri").asString("");
    if (linked.isEmpty()) {
      throw new BadInputException(
          Problem.in(
              "--tracking-in",
              "",
              "train, evaluate and gate recorded no run on an MLflow server (it was unreachable,"
                  + " or "
                  + KfpPipeline.TRACKING_URI
                  + " was empty when they ran), so there is no run to register from.",
              "run the pipeline again with the server reachable; set tracking.required: true in"
                  + " ml.yaml to make train fail when it is not."));
    }
    Optional<String> server = pipelineServer();
    if (server.isEmpty()) {
      return;
    }
    String ours;
    try {
      ours =
          dev.mlci.core.tracking.MlflowServer.connect(
                  server.get(), context.env(), dev.mlci.core.io.Retry.DEFAULT)
              .display();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(
              "--mlflow-tracking-uri",
              "",
              e.getMessage() + ".",
              "set " + KfpPipeline.TRACKING_URI + " to the server, e.g. http://mlflow:5000."));
    }
    if (!linked.equals(ours)) {
      throw new BadInputException(
          Problem.in(
              "--tracking-in",
              "",
              "the model's run is on "
                  + linked
                  + ", not on "
                  + ours
                  + ": train, evaluate and gate ran with another "
                  + KfpPipeline.TRACKING_URI
                  + ".",
              "run register with the "
                  + KfpPipeline.TRACKING_URI
                  + " the tasks before had (one pipeline run gives all the same), or run the"
                  + " pipeline again on "
                  + ours
                  + "."));
    }
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
