package dev.mlci.core.api;

import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.datagate.DataProfiles;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.external.EarlyTrainingRows;
import dev.mlci.core.external.ExternalModel;
import dev.mlci.core.external.ExternalTraining;
import dev.mlci.core.external.OnnxRuntimeLibrary;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.core.model.ExternalModelDirectory;
import dev.mlci.core.model.LinearOnnx;
import dev.mlci.core.model.ModelDirectory;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.StepRecords;
import dev.mlci.core.train.ModelTraining;
import dev.mlci.core.train.TrainedModel;
import dev.mlci.format.profile.DataProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code mlci train}: trains the model and writes the model directory, then starts the model's
 * tracked run. The evaluation of the previous model is removed: it no longer describes the model in
 * place.
 */
public final class TrainStep extends Step<TrainResult> {
  /** The step's name in {@code run.json} and the tracked run. */
  public static final String NAME = "train";

  private final DataHandOver handOver;

  public TrainStep(StepContext context, Plan plan) {
    this(context, plan, new DataHandOver());
  }

  /** A train step that leaves the data it read in {@code handOver} for the next evaluate step. */
  TrainStep(StepContext context, Plan plan, DataHandOver handOver) {
    super(context, plan);
    this.handOver = handOver;
  }

  @Override
  protected TrainResult run() throws MlciException {
    handOver.clear();
    Read read = new Read();
    TrainResult result = train(read);
    handOver.offer(plan.workspace().repository(), plan.loaded().sha256(), read.data, read.profile);
    return result;
  }

  /** What the step read, for the hand-over: the data, and its profile when computed meanwhile. */
  private static final class Read {
    LoadedData data;
    Future<DataProfile> profile;
  }

  private TrainResult train(Read read) throws MlciException {
    Workspace ws = plan.workspace();
    StepOutput output =
        StepOutput.claim(context, NAME, ws, Workspace.MODEL_DIR, Workspace.EVAL_DIR);
    // trainer: external scores the command's model through ONNX Runtime: its native library is
    // loaded while the command runs (trainExternal's meanwhile), not while the data is read, where
    // it took CPU from the two threads the command's start waits for (the loader, the early copy).
    CompletableFuture<Void> onnxRuntime =
        plan.config().model().isExternal() ? new CompletableFuture<>() : null;
    // trainer: external: MLCI_TRAIN_DATA written on the other core while the data is read and
    // checked, and the command started on it as soon as it is complete (used only if the file and
    // the command's environment match what was loaded; stopped when a check of the data fails).
    Optional<EarlyTrainingRows> early =
        onnxRuntime != null ? EarlyTrainingRows.start(plan.loaded(), true) : Optional.empty();
    try {
      LoadedData data = new DataLoader(ws.repository(), context.progress()).load(plan.loaded());
      read.data = data;
      context.progress().info(describe(data));
      if (onnxRuntime != null) {
        return trainExternal(output, data, onnxRuntime, read, early);
      }
      return trainOwn(output, data);
    } finally {
      early.ifPresent(EarlyTrainingRows::close);
    }
  }

  private TrainResult trainOwn(StepOutput output, LoadedData data) throws MlciException {
    Workspace ws = plan.workspace();
    List<RunData.MetricPoint> curve = new ArrayList<>();
    TrainedModel trained;
    try {
      trained = ModelTraining.train(plan.loaded(), data, recordingMetrics(curve));
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of(
          "train " + plan.config().model().trainer() + " on",
          data.train().size(),
          data.features().size(),
          e);
    }
    Optional<GitInfo> git = GitInfo.of(ws.repository());
    String[] digest = new String[1];
    output.write(
        ws.modelDir(),
        "the model",
        dir -> digest[0] = ModelDirectory.write(dir, trained, plan.loaded(), data, git));
    removePreviousEvaluation(output);
    Optional<String> noOnnx = LinearOnnx.whyNot(trained.model(), trained.spec());
    MlpModel.release(trained.model());
    Recording r = begin(output, data, git, digest[0], plan.config().model().trainer());
    RunData.Builder run = r.run();
    run.tag("mlci.config_sha256", plan.loaded().sha256());
    StepRecords.trainParams(run, plan.config(), data, trained.standardized());
    curve.forEach(p -> run.metric(p.key(), p.value(), p.step(), p.timestamp()));
    return finish(r, trained.trainingExamples(), noOnnx);
  }

  /**
   * {@code trainer: external}: runs the repository's own command, checks its ONNX model and writes
   * it as a model directory that evaluate, gate and containerize read like any other.
   */
  private TrainResult trainExternal(
      StepOutput output,
      LoadedData data,
      CompletableFuture<Void> onnxRuntime,
      Read read,
      Optional<EarlyTrainingRows> early)
      throws MlciException {
    Workspace ws = plan.workspace();
    // While the command runs, the data profile the next evaluate step of this engine writes (mlci
    // run): the same data, the same profile, computed on a core the command leaves idle.
    boolean classification = plan.config().task() == Task.CLASSIFICATION;
    // One thread: the profile's columns are otherwise profiled in parallel on both cores, and the
    // command (which has the machine to itself when run alone) would lose one of them.
    // The commit and the dirty check too (JGit's classes, cold, and a walk of the working tree):
    // the repository as the command starts on it, not a second later.
    AtomicReference<Supplier<Optional<GitInfo>>> gitInfo = new AtomicReference<>();
    Runnable meanwhile =
        () -> {
          OnnxRuntimeLibrary.startInBackground(ContainerizeStep.cacheDir(context.env()))
              .whenComplete((ignored, e) -> onnxRuntime.complete(null));
          ForkJoinPool one = new ForkJoinPool(1);
          read.profile = one.submit(() -> DataProfiles.of(data, classification));
          one.shutdown();
          gitInfo.set(GitInfo.inBackground(ws.repository()));
        };
    ExternalModel trained =
        ExternalTraining.train(
            plan.loaded(), data, context.progress(), onnxRuntime, meanwhile, early);
    Optional<GitInfo> git =
        gitInfo.get() == null ? GitInfo.of(ws.repository()) : gitInfo.get().get();
    // The model directory's data-profile.json is the training split of that profile: not computed
    // a second time.
    Optional<DataProfile> profile =
        read.profile == null ? Optional.empty() : EvaluateStep.computed(read.profile);
    String[] digest = new String[1];
    output.write(
        ws.modelDir(),
        "the model",
        dir ->
            digest[0] =
                ExternalModelDirectory.write(dir, trained, plan.loaded(), data, git, profile),
        info -> info.set("command", ExternalModelDirectory.commandJson(trained.run())));
    removePreviousEvaluation(output);
    Recording r = begin(output, data, git, digest[0], ModelConfig.EXTERNAL);
    RunData.Builder run = r.run();
    long finished = r.finished();
    run.tag("mlci.command", plan.config().model().command().orElseThrow());
    run.tag("mlci.config_sha256", plan.loaded().sha256());
    StepRecords.trainParams(run, plan.config(), data, false);
    trained.scriptMetrics().forEach((k, v) -> run.metric("script." + k, v, 0, finished));
    trained
        .parity()
        .ifPresent(p -> run.metric("parity_max_difference", p.maxDifference(), 0, finished));
    run.metric("command_exit_code", trained.run().exitCode(), 0, finished);
    run.metric("command_seconds", trained.run().millis() / 1000.0, 0, finished);
    return finish(r, trained.trainingExamples(), Optional.empty());
  }

  /**
   * Starts the tracked run of a training whose model directory is written: the step's context tags
   * and the trainer's name; each trainer then records its own tags and metrics.
   */
  private Recording begin(
      StepOutput output, LoadedData data, Optional<GitInfo> git, String digest, String trainer) {
    Workspace ws = plan.workspace();
    long finished = context.clock().millis();
    long millis = finished - output.started().toEpochMilli();
    Map<String, String> tags = StepRecords.contextTags(context.env(), git, ws.repository(), digest);
    RunData.Builder run = new RunData.Builder().tags(tags);
    run.tag("mlci.trainer", trainer);
    return new Recording(output, data, run, tags, digest, trainer, finished, millis);
  }

  /** The tracked run of one training, between {@link #begin} and {@link #finish}. */
  private record Recording(
      StepOutput output,
      LoadedData data,
      RunData.Builder run,
      Map<String, String> tags,
      String digest,
      String trainer,
      long finished,
      long millis) {}

  /**
   * Records what every training records (examples, duration, the training data, the model
   * directory) after the trainer's own metrics, tracks the run and returns the step's result.
   */
  private TrainResult finish(Recording r, int trainingExamples, Optional<String> noOnnx)
      throws MlciException {
    Workspace ws = plan.workspace();
    RunData.Builder run = r.run();
    run.metric("training_examples", trainingExamples, 0, r.finished());
    run.metric("train_seconds", r.millis() / 1000.0, 0, r.finished());
    run.input(StepRecords.dataset(plan.config(), r.data(), true, "training"));
    run.artifact(ws.modelDir(), Workspace.MODEL_DIR);
    TrackedRun tracked =
        TrackedRun.of(r.output().track(plan, r.digest(), true, r.tags(), run, r.finished()));
    return new TrainResult(
        ws.modelDir(),
        r.digest(),
        r.trainer(),
        trainingExamples,
        noOnnx.isEmpty(),
        noOnnx,
        r.millis(),
        tracked);
  }

  /** The evaluation of the previous model no longer describes the model in place. */
  private void removePreviousEvaluation(StepOutput output) throws MlciException {
    Workspace ws = plan.workspace();
    if (output.deleteIfOurs(ws.evalDir())) {
      context
          .progress()
          .info("removed " + Workspace.display(ws.evalDir()) + ": it evaluated the previous model");
    }
  }

  /** The context's progress, also keeping the training metrics (such as the loss per iteration). */
  private ProgressListener recordingMetrics(List<RunData.MetricPoint> into) {
    ProgressListener progress = context.progress();
    return new ProgressListener() {
      @Override
      public void start(String task, long total, String unit) {
        progress.start(task, total, unit);
      }

      @Override
      public void advance(long done) {
        progress.advance(done);
      }

      @Override
      public void metric(String name, long step, double value) {
        into.add(new RunData.MetricPoint(name, value, step, context.clock().millis()));
        progress.metric(name, step, value);
      }

      @Override
      public void finish() {
        progress.finish();
      }

      @Override
      public void info(String message) {
        progress.info(message);
      }
    };
  }

  /** What was read: rows per file, the split, the rows dropped. */
  static String describe(LoadedData data) {
    StringBuilder sb = new StringBuilder("read ");
    for (DataFile f : data.files()) {
      sb.append(f.rows()).append(" rows from ").append(f.path()).append("; ");
    }
    sb.append(data.train().size())
        .append(" for training, ")
        .append(data.test().size())
        .append(" for testing");
    if (data.dropped() > 0) {
      sb.append(", ").append(data.dropped()).append(" dropped for missing values");
    }
    return sb.toString();
  }
}
