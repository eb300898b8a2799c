package dev.mlci.core.api;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.InputSignature;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.eval.ModelEvaluation;
import dev.mlci.core.external.ExternalEvaluation;
import dev.mlci.core.external.ExternalModel;
import dev.mlci.core.external.ExternalTraining;
import dev.mlci.core.external.OnnxModelException;
import dev.mlci.core.external.OnnxScorer;
import dev.mlci.core.gate.BaselineInfo;
import dev.mlci.core.gate.GateEvaluator;
import dev.mlci.core.gate.GateFiles;
import dev.mlci.core.gate.GateReportContext;
import dev.mlci.core.gate.GateResult;
import dev.mlci.core.git.BaselineFinder;
import dev.mlci.core.git.Credentials;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.git.GitNotes;
import dev.mlci.core.git.TreeExport;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.io.Json;
import dev.mlci.core.io.OutputDirectory;
import dev.mlci.core.io.RegularFiles;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.core.model.ExternalModelDirectory;
import dev.mlci.core.model.LinearOnnx;
import dev.mlci.core.model.ModelBundle;
import dev.mlci.core.model.ModelDirectory;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.core.tracking.LocalRun;
import dev.mlci.core.tracking.LocalRunStore;
import dev.mlci.core.tracking.MlflowServer;
import dev.mlci.core.tracking.Retry;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.StepRecords;
import dev.mlci.core.tracking.Tracked;
import dev.mlci.core.tracking.Tracking;
import dev.mlci.core.tracking.TrackingException;
import dev.mlci.core.train.ModelTraining;
import dev.mlci.core.train.TrainedModel;
import dev.mlci.format.ModelFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's entry point: plan a run from a workspace, then run its steps. Faces (CLI, GitHub
 * Action, Jenkins) call only this and the types of {@code dev.mlci.core.api}.
 *
 * <p>Every step writes its output directory all at once: a failed step leaves the previous result
 * in place and no partial files.
 */
public final class Mlci {
  private final ProgressListener progress;
  private final Clock clock;
  private final Map<String, String> env;
  private final boolean track;

  /**
   * An engine whose runs are recorded locally only, with no CI context: for tests and embedding.
   *
   * @param progress receives progress of long work
   * @param clock times recorded in {@code run.json} and in tracked runs
   */
  public Mlci(ProgressListener progress, Clock clock) {
    this(progress, clock, Map.of());
  }

  /**
   * @param progress receives progress of long work
   * @param clock times recorded in {@code run.json} and in tracked runs
   * @param env the environment: the MLflow server and its credentials ({@code MLFLOW_*}) and the
   *     CI's variables (branch, pull request, build URL) for tracked runs
   */
  public Mlci(ProgressListener progress, Clock clock, Map<String, String> env) {
    this(progress, clock, env, true);
  }

  private Mlci(ProgressListener progress, Clock clock, Map<String, String> env, boolean track) {
    this.progress = Objects.requireNonNull(progress, "progress");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.env = Map.copyOf(env);
    this.track = track;
  }

  /** Tracking for {@code plan}'s model: the local record, and MLflow when configured. */
  private Tracking tracking(Plan plan) throws BadInputException {
    if (!track) {
      return Tracking.off(plan.workspace().out());
    }
    return Tracking.open(
        plan.config().tracking(), plan.config().name(), plan.workspace().out(), env, Retry.DEFAULT);
  }

  /** This mlci's version, e.g. {@code 0.1.0}. */
  public static String version() {
    return ModelFormat.mlciVersion();
  }

  /** The Tribuo version models are trained with. */
  public static String tribuoVersion() {
    return org.tribuo.Tribuo.VERSION;
  }

  /** Loads and validates {@code workspace}'s ml.yaml. Writes nothing. */
  public static Plan plan(Workspace workspace) throws BadInputException {
    return new Plan(workspace, new ConfigLoader(workspace.repository()).load(workspace.config()));
  }

  /** Trains the model and writes the model directory. */
  public TrainResult train(Plan plan) throws MlciException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
    claim(ws, Workspace.MODEL_DIR, Workspace.EVAL_DIR);
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    progress.info(describe(data));
    if (plan.config().model().isExternal()) {
      return trainExternal(plan, data, started);
    }
    List<RunData.MetricPoint> curve = new ArrayList<>();
    TrainedModel trained;
    try {
      trained = ModelTraining.train(plan.loaded(), data, recordingMetrics(progress, curve));
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of(
          "train " + plan.config().model().trainer() + " on",
          data.train().size(),
          data.features().size(),
          e);
    }
    Optional<GitInfo> git = GitInfo.of(ws.repository());
    String[] digest = new String[1];
    try {
      OutputDirectory.write(
          ws.modelDir(),
          dir -> {
            digest[0] = ModelDirectory.write(dir, trained, plan.loaded(), data, git);
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("train", started));
          });
      // The evaluation of the previous model no longer describes the model in place.
      if (OutputDirectory.deleteIfOurs(ws.evalDir())) {
        progress.info(
            "removed " + Workspace.display(ws.evalDir()) + ": it evaluated the previous model");
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the model to "
              + Workspace.display(ws.modelDir())
              + ": "
              + OutputDirectory.reason(e),
          e);
    }
    Optional<String> noOnnx = LinearOnnx.whyNot(trained.model(), trained.spec());
    MlpModel.release(trained.model());
    long finished = clock.millis();
    Map<String, String> tags = StepRecords.contextTags(env, git, ws.repository(), digest[0]);
    RunData.Builder run = new RunData.Builder().tags(tags);
    run.tag("mlci.trainer", plan.config().model().trainer());
    run.tag("mlci.config_sha256", plan.loaded().sha256());
    StepRecords.trainParams(run, plan.config(), data, trained.standardized());
    curve.forEach(p -> run.metric(p.key(), p.value(), p.step(), p.timestamp()));
    run.metric("training_examples", trained.trainingExamples(), 0, finished);
    run.metric("train_seconds", (finished - started.toEpochMilli()) / 1000.0, 0, finished);
    run.input(StepRecords.dataset(plan.config(), data, true, "training"));
    run.artifact(ws.modelDir(), Workspace.MODEL_DIR);
    Tracked tracked = record(plan, "train", digest[0], true, tags, run, started, finished);
    return new TrainResult(
        ws.modelDir(),
        digest[0],
        plan.config().model().trainer(),
        trained.trainingExamples(),
        noOnnx.isEmpty(),
        noOnnx,
        finished - started.toEpochMilli(),
        tracked);
  }

  /**
   * {@code trainer: external}: runs the repository's own command, checks its ONNX model and writes
   * it as a model directory that evaluate, gate and containerize read like any other.
   */
  private TrainResult trainExternal(Plan plan, LoadedData data, Instant started)
      throws MlciException {
    Workspace ws = plan.workspace();
    ExternalModel trained = ExternalTraining.train(plan.loaded(), data, progress);
    Optional<GitInfo> git = GitInfo.of(ws.repository());
    String[] digest = new String[1];
    try {
      OutputDirectory.write(
          ws.modelDir(),
          dir -> {
            digest[0] = ExternalModelDirectory.write(dir, trained, plan.loaded(), data, git);
            ObjectNode info = runInfo("train", started);
            info.set("command", ExternalModelDirectory.commandJson(trained.run()));
            Json.write(dir.resolve(ModelFormat.RUN_INFO), info);
          });
      if (OutputDirectory.deleteIfOurs(ws.evalDir())) {
        progress.info(
            "removed " + Workspace.display(ws.evalDir()) + ": it evaluated the previous model");
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the model to "
              + Workspace.display(ws.modelDir())
              + ": "
              + OutputDirectory.reason(e),
          e);
    }
    long finished = clock.millis();
    Map<String, String> tags = StepRecords.contextTags(env, git, ws.repository(), digest[0]);
    RunData.Builder run = new RunData.Builder().tags(tags);
    run.tag("mlci.trainer", ModelConfig.EXTERNAL);
    run.tag("mlci.command", plan.config().model().command().orElseThrow());
    run.tag("mlci.config_sha256", plan.loaded().sha256());
    StepRecords.trainParams(run, plan.config(), data, false);
    trained.scriptMetrics().forEach((k, v) -> run.metric("script." + k, v, 0, finished));
    trained
        .parity()
        .ifPresent(p -> run.metric("parity_max_difference", p.maxDifference(), 0, finished));
    run.metric("command_exit_code", trained.run().exitCode(), 0, finished);
    run.metric("command_seconds", trained.run().millis() / 1000.0, 0, finished);
    run.metric("training_examples", trained.trainingExamples(), 0, finished);
    run.metric("train_seconds", (finished - started.toEpochMilli()) / 1000.0, 0, finished);
    run.input(StepRecords.dataset(plan.config(), data, true, "training"));
    run.artifact(ws.modelDir(), Workspace.MODEL_DIR);
    Tracked tracked = record(plan, "train", digest[0], true, tags, run, started, finished);
    return new TrainResult(
        ws.modelDir(),
        digest[0],
        ModelConfig.EXTERNAL,
        trained.trainingExamples(),
        true,
        Optional.empty(),
        finished - started.toEpochMilli(),
        tracked);
  }

  /**
   * Records step {@code step} of the model with {@code modelDigest} in its run (a new one when
   * {@code newRun}), named from the step's context {@code tags}.
   */
  private Tracked record(
      Plan plan,
      String step,
      String modelDigest,
      boolean newRun,
      Map<String, String> tags,
      RunData.Builder run,
      Instant started,
      long finished)
      throws MlciException {
    try (Tracking tracking = tracking(plan)) {
      return tracking.record(
          new Tracking.Step(
              step,
              modelDigest,
              newRun,
              StepRecords.runName(plan.config(), tags),
              run.build(),
              started.toEpochMilli(),
              finished));
    }
  }

  /** {@code progress}, also keeping the training metrics (such as the loss per iteration). */
  private ProgressListener recordingMetrics(
      ProgressListener progress, List<RunData.MetricPoint> into) {
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
        into.add(new RunData.MetricPoint(name, value, step, clock.millis()));
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

  /**
   * Scores the test rows with the exported model of {@code trainer: external}, through ONNX
   * Runtime.
   */
  private static Evaluation evaluateExternal(Plan plan, ModelBundle bundle, LoadedData data)
      throws BadInputException, EnvironmentException {
    String display = Workspace.display(bundle.dir());
    byte[] onnx;
    try {
      onnx = Files.readAllBytes(bundle.externalOnnx().get());
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the model in " + display + ": " + e.getMessage(), e);
    }
    try (OnnxScorer scorer = OnnxScorer.load(onnx, bundle.spec())) {
      return ExternalEvaluation.evaluate(plan.config(), bundle.spec(), scorer, data.test());
    } catch (OnnxModelException e) {
      throw new BadInputException(
          dev.mlci.core.errors.Problem.inFile(
              display + "/" + ModelFormat.ONNX_MODEL, "", e.getMessage(), e.fix()));
    }
  }

  /** Scores the trained model on the test set and writes the evaluation directory. */
  public EvaluateResult evaluate(Plan plan) throws MlciException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
    claim(ws, Workspace.EVAL_DIR);
    ModelBundle bundle;
    try {
      bundle = ModelDirectory.read(ws.modelDir(), Workspace.display(ws.modelDir()));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the model in " + Workspace.display(ws.modelDir()) + ": " + e.getMessage(),
          e);
    }
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    requireSameInputs(plan, bundle, data);
    progress.start("scoring " + data.test().size() + " test examples", -1, "");
    Evaluation evaluation;
    try {
      evaluation =
          bundle.externalOnnx().isPresent()
              ? evaluateExternal(plan, bundle, data)
              : ModelEvaluation.evaluate(plan.config(), bundle.spec(), bundle.model(), data.test());
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of("evaluate on", data.test().size(), data.features().size(), e);
    } finally {
      if (bundle.model() != null) {
        MlpModel.release(bundle.model());
      }
      progress.finish();
    }
    Optional<String> nonFinite = ModelEvaluation.nonFinite(evaluation.predictions());
    if (nonFinite.isPresent()) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(ws.modelDir()),
              "",
              "the model's prediction for "
                  + nonFinite.get()
                  + " is not a number; it could not be stored or compared by the gate.",
              "the training diverged or a feature holds extreme values: check the data (model.standardize"
                  + " scales the features) and the trainer's params (a smaller learning rate),"
                  + " then train again."));
    }
    EvaluationFiles.Context context =
        new EvaluationFiles.Context(
            plan.config(),
            plan.loaded().sha256(),
            data,
            bundle.digest(),
            bundle
                .provenance()
                .path("trainer")
                .path("name")
                .asString(plan.config().model().trainer()),
            GitInfo.of(ws.repository()));
    try {
      OutputDirectory.write(
          ws.evalDir(),
          dir -> {
            EvaluationFiles.write(dir, evaluation, context);
            try (OutputStream out = Files.newOutputStream(dir.resolve(EvaluationBundle.FILE))) {
              bundle(plan, data, bundle, evaluation, context).write(out);
            }
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("evaluate", started));
          });
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the evaluation to "
              + Workspace.display(ws.evalDir())
              + ": "
              + OutputDirectory.reason(e),
          e);
    }
    List<String> warnings = new ArrayList<>();
    if (!evaluation.unseenLevels().isEmpty()) {
      warnings.add(
          evaluation.unseenLevels().size()
              + " test value(s) have a category never seen in training and were encoded as no category, e.g. "
              + evaluation.unseenLevels().get(0)
              + " (all listed in report.md)");
    }
    List<String> files =
        new ArrayList<>(List.of(EvaluationFiles.METRICS, EvaluationFiles.PREDICTIONS));
    if (plan.config().task() == dev.mlci.core.config.Task.CLASSIFICATION) {
      files.add(EvaluationFiles.CONFUSION);
    }
    files.add(EvaluationFiles.REPORT);
    files.add(EvaluationBundle.FILE);
    long finished = clock.millis();
    Map<String, String> tags =
        StepRecords.contextTags(env, context.git(), ws.repository(), bundle.digest());
    RunData.Builder run = new RunData.Builder().tags(tags);
    evaluation.metrics().values().forEach((k, v) -> run.metric(k, v, 0, finished));
    run.metric("test_examples", evaluation.predictions().size(), 0, finished);
    run.input(StepRecords.dataset(plan.config(), data, false, "evaluation"));
    run.artifact(ws.evalDir(), Workspace.EVAL_DIR);
    Tracked tracked =
        record(plan, "evaluate", bundle.digest(), false, tags, run, started, finished);
    return new EvaluateResult(
        ws.evalDir(),
        evaluation.metrics().values(),
        evaluation.metrics().undefined(),
        evaluation.predictions().size(),
        finished - started.toEpochMilli(),
        files,
        warnings,
        tracked);
  }

  private static EvaluationBundle bundle(
      Plan plan,
      LoadedData data,
      ModelBundle model,
      Evaluation evaluation,
      EvaluationFiles.Context context) {
    Optional<GitInfo> git = context.git();
    return new EvaluationBundle(
        plan.config().name(),
        plan.config().task().yamlName(),
        git.map(GitInfo::commit),
        git.map(GitInfo::dirty).orElse(false),
        model.digest(),
        plan.loaded().sha256(),
        InputSignature.of(plan.config(), data).toJson(),
        evaluation.metrics().values(),
        evaluation.metrics().undefined(),
        evaluation.predictions());
  }

  /**
   * Compares the evaluated candidate with the baseline of the target branch and writes the reports.
   * The build should fail when {@link GateOutcome#exitCode()} is 1.
   */
  public GateOutcome gate(Plan plan, GateOptions options) throws MlciException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
    claim(ws, Workspace.GATE_DIR);
    GateConfig config = plan.config().gate();
    EvaluationBundle candidate =
        readBundle(
            ws.evalDir().resolve(EvaluationBundle.FILE),
            "there is no evaluation to gate",
            "run 'mlci evaluate' first (or 'mlci run').");
    String target = target(options, config);
    Optional<EvaluationBundle> baseline;
    BaselineInfo info;
    String source = options.baseline().orElse("");
    if (source.equals(GateOptions.REBUILD)) {
      BaselineFinder.Search search =
          BaselineFinder.find(
              ws.repository(),
              target,
              plan.config().name(),
              EvaluationBundle::nameOf,
              1,
              options.fetch(),
              options.env());
      String at =
          search
              .start()
              .orElseThrow(
                  () ->
                      new BadInputException(
                          Problem.inFile(
                              "git",
                              "",
                              "there is no merge-base of HEAD and "
                                  + target
                                  + " to rebuild"
                                  + (search.problems().isEmpty()
                                      ? "."
                                      : " (" + String.join("; ", search.problems()) + ")."),
                              "run in a git checkout that has the target branch, or pass --baseline FILE.")));
      baseline = Optional.of(rebuild(plan, at));
      info =
          new BaselineInfo(
              "rebuild",
              Optional.of(at),
              "rebuilt at the merge-base "
                  + BaselineInfo.abbreviate(at)
                  + " of HEAD and "
                  + target);
    } else if (source.startsWith(RegistryRef.PREFIX)) {
      RegistryRef ref = RegistryRef.parse(source);
      EvaluationBundle b = registryBaseline(plan, ref);
      baseline = Optional.of(b);
      info =
          new BaselineInfo(
              "registry",
              b.commit(),
              ref + b.commit().map(c -> " (commit " + BaselineInfo.abbreviate(c) + ")").orElse(""));
    } else if (!source.isEmpty()) {
      Path file = Path.of(source);
      EvaluationBundle b =
          readBundle(
              file,
              "cannot read the baseline bundle",
              "pass a file written by 'mlci evaluate' (" + EvaluationBundle.FILE + ").");
      baseline = Optional.of(b);
      info =
          new BaselineInfo(
              "file",
              b.commit(),
              "file "
                  + Workspace.display(file)
                  + b.commit()
                      .map(c -> " (commit " + c.substring(0, Math.min(12, c.length())) + ")")
                      .orElse(""));
    } else {
      BaselineFinder.Search search =
          BaselineFinder.find(
              ws.repository(),
              target,
              plan.config().name(),
              EvaluationBundle::nameOf,
              config.maxCommits(),
              options.fetch(),
              options.env());
      if (search.found().isPresent()) {
        BaselineFinder.Found found = search.found().get();
        try {
          baseline = Optional.of(EvaluationBundle.read(new ByteArrayInputStream(found.note())));
        } catch (IOException | IllegalArgumentException e) {
          throw new BadInputException(
              Problem.inFile(
                  "git notes " + GitNotes.REF,
                  "",
                  "the baseline note on "
                      + found.commit()
                      + " is not a readable bundle: "
                      + e.getMessage()
                      + ".",
                  "record it again on the target branch ('mlci baseline record --push')."));
        }
        info =
            new BaselineInfo(
                "note",
                Optional.of(found.commit()),
                "note on "
                    + BaselineInfo.abbreviate(found.commit())
                    + " ("
                    + (found.distance() == 0
                        ? "the merge-base"
                        : found.distance() + " first-parent commits before the merge-base start")
                    + " of HEAD and "
                    + target
                    + ")");
      } else if (config.onMissing() == GateConfig.OnMissing.REBUILD && search.start().isPresent()) {
        String at = search.start().get();
        progress.info(
            "no recorded baseline on "
                + target
                + "; rebuilding it at "
                + BaselineInfo.abbreviate(at));
        baseline = Optional.of(rebuild(plan, at));
        info =
            new BaselineInfo(
                "rebuild",
                Optional.of(at),
                "rebuilt at "
                    + BaselineInfo.abbreviate(at)
                    + " (no note within "
                    + config.maxCommits()
                    + " commits of "
                    + target
                    + ")");
      } else {
        baseline = Optional.empty();
        String why =
            search.searched() > 0
                ? "no note within "
                    + search.searched()
                    + " commits of "
                    + target
                    + " from "
                    + search.start().map(c -> BaselineInfo.abbreviate(c)).orElse("?")
                : String.join(
                    "; ",
                    search.problems().isEmpty() ? List.of("no baseline found") : search.problems());
        if (!search.problems().isEmpty() && search.searched() > 0) {
          why += " (" + String.join("; ", search.problems()) + ")";
        }
        info = BaselineInfo.none(why);
      }
    }
    if (baseline.isPresent() && !info.source().equals("rebuild")) {
      requireSameModel(baseline.get(), candidate, info, target);
    }
    if (baseline.isPresent() && !baseline.get().task().equals(candidate.task())) {
      throw new BadInputException(
          Problem.inFile(
              "baseline",
              "",
              "the baseline is a "
                  + baseline.get().task()
                  + " model and the candidate a "
                  + candidate.task()
                  + " model; they cannot be compared.",
              "record a new baseline on " + target + ", or pass --baseline rebuild."));
    }
    if (baseline.isPresent()
        && baseline.get().predictions() instanceof ClassificationPredictions b
        && candidate.predictions() instanceof ClassificationPredictions c
        && !new java.util.TreeSet<>(b.classes()).equals(new java.util.TreeSet<>(c.classes()))) {
      throw new BadInputException(
          Problem.inFile(
              "baseline",
              "",
              "the baseline's classes "
                  + b.classes()
                  + " differ from the candidate's "
                  + c.classes()
                  + "; per-class results cannot be compared.",
              "if the classes were renamed or added on purpose, record a new baseline on "
                  + target
                  + " (or compare with --baseline rebuild); otherwise check data.target."));
    }
    boolean failOnInconclusive = options.failOnInconclusive();
    GateResult result =
        new GateEvaluator(config)
            .evaluate(plan.config().metrics(), candidate, baseline, info, failOnInconclusive);
    GateReportContext ctx =
        new GateReportContext(
            plan.config().name(), candidate, baseline, target, config.resamples(), config.seed());
    Path dir = ws.out().resolve(Workspace.GATE_DIR);
    try {
      OutputDirectory.write(
          dir,
          d -> {
            GateFiles.write(d, result, ctx);
            Json.write(d.resolve(ModelFormat.RUN_INFO), runInfo("gate", started));
          });
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the gate report to "
              + Workspace.display(dir)
              + ": "
              + OutputDirectory.reason(e),
          e);
    }
    long finished = clock.millis();
    Map<String, String> tags =
        StepRecords.contextTags(
            env, GitInfo.of(ws.repository()), ws.repository(), candidate.modelDigest());
    RunData.Builder run = new RunData.Builder().tags(tags);
    StepRecords.gate(run, result, target, finished);
    run.artifact(dir, Workspace.GATE_DIR);
    Tracked tracked =
        record(plan, "gate", candidate.modelDigest(), false, tags, run, started, finished);
    return new GateOutcome(
        result,
        dir,
        target,
        List.of(GateFiles.JSON, GateFiles.MARKDOWN, GateFiles.JUNIT, GateFiles.HTML),
        finished - started.toEpochMilli(),
        tracked);
  }

  /**
   * Refuses a baseline of another model: in a repository of several models, a note or file of model
   * B must never gate model A (a rebuild is of this very config, so it is exempt).
   */
  private static void requireSameModel(
      EvaluationBundle baseline, EvaluationBundle candidate, BaselineInfo info, String target)
      throws BadInputException {
    if (!baseline.name().equals(candidate.name())) {
      throw new BadInputException(
          Problem.inFile(
              "baseline",
              "",
              "the baseline ("
                  + info.description()
                  + ") is of model '"
                  + baseline.name()
                  + "', but this is model '"
                  + candidate.name()
                  + "'; one model's baseline never gates another.",
              "record a baseline of '"
                  + candidate.name()
                  + "' on "
                  + target
                  + " ('mlci baseline record --push' after 'mlci run' there), or pass --baseline"
                  + " rebuild; if the model was renamed, that is the way to carry its baseline"
                  + " over."));
    }
  }

  /**
   * The evaluation of a registered model version, read from its run's {@code eval} artifact on the
   * tracking server.
   */
  private EvaluationBundle registryBaseline(Plan plan, RegistryRef ref) throws MlciException {
    try (Tracking tracking = tracking(plan)) {
      MlflowServer server = requireServer(tracking, "--baseline " + ref);
      String artifact = Workspace.EVAL_DIR + "/" + EvaluationBundle.FILE;
      try {
        MlflowServer.ModelVersion v =
            ref.alias().isPresent()
                ? server.byAlias(ref.name(), ref.alias().get())
                : server.byVersion(ref.name(), ref.version().orElseThrow());
        progress.info(
            "baseline: version " + v.version() + " of " + v.name() + " (run " + v.runId() + ")");
        if (v.runId().isEmpty()) {
          throw new BadInputException(
              Problem.inFile(
                  ref.toString(),
                  "",
                  "version "
                      + v.version()
                      + " was registered without a run, so it has no evaluation.",
                  "register models with 'mlci register', which links the version to its run."));
        }
        byte[] bytes = server.download(server.getRun(v.runId()), artifact);
        try {
          return EvaluationBundle.read(new ByteArrayInputStream(bytes));
        } catch (IOException | IllegalArgumentException e) {
          throw new BadInputException(
              Problem.inFile(
                  ref + " (" + artifact + ")",
                  "",
                  "the registered version's evaluation is not readable: " + e.getMessage() + ".",
                  "register a version evaluated by this mlci ('mlci evaluate', then 'mlci register')."));
        }
      } catch (TrackingException e) {
        if (e.refused()) {
          throw new BadInputException(
              Problem.inFile(
                  ref.toString(),
                  "",
                  "the registry cannot give this baseline: " + e.getMessage() + ".",
                  "check the name and alias (or version); on main, 'mlci register' registers the"
                      + " evaluated model and sets the alias."));
        }
        throw new EnvironmentException(
            "reading the baseline " + ref + " failed: " + e.getMessage(), e);
      }
    }
  }

  private static MlflowServer requireServer(Tracking tracking, String what)
      throws BadInputException {
    return tracking
        .server()
        .orElseThrow(
            () ->
                new BadInputException(
                    Problem.inFile(
                        "MLFLOW_TRACKING_URI",
                        "",
                        what + " needs an MLflow tracking server, and none is configured.",
                        "set MLFLOW_TRACKING_URI (or tracking.uri in ml.yaml) to the server, e.g."
                            + " http://mlflow.internal:5000.")));
  }

  /**
   * Registers the evaluated model of the output directory as a new version in MLflow's model
   * registry, from the run its steps were tracked in, and points {@code alias} at it.
   */
  public RegisterResult register(Plan plan, Optional<String> name, String alias)
      throws MlciException {
    Workspace ws = plan.workspace();
    String model = name.orElse(plan.config().name());
    if (!alias.matches("[A-Za-z_][A-Za-z0-9_-]*") || alias.matches("(?i)v\\d+|latest")) {
      throw new BadInputException(
          Problem.inFile(
              "--alias",
              "",
              "'"
                  + alias
                  + "' is not an alias MLflow accepts (letters, digits, '_' and '-'; not"
                  + " 'latest' or v<number>).",
              "use a name such as champion or production."));
    }
    try (Tracking tracking = tracking(plan)) {
      MlflowServer server = requireServer(tracking, "mlci register");
      String digest;
      try {
        digest = dev.mlci.format.Checksums.digest(ws.modelDir());
      } catch (IOException e) {
        throw new BadInputException(
            Problem.inFile(
                Workspace.display(ws.modelDir()),
                "",
                "there is no trained model to register.",
                "run 'mlci train' and 'mlci evaluate' (or 'mlci run') with the server configured."));
      }
      Optional<String> trackedOn = tracking.trackedServer(digest);
      Tracking.LinkedRun linked =
          tracking
              .serverRunOf(digest)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          Problem.inFile(
                              Workspace.display(ws.modelDir()),
                              "",
                              trackedOn.isPresent()
                                  ? "this model's run is on "
                                      + trackedOn.get()
                                      + ", not on "
                                      + server.display()
                                      + "."
                                  : "this model has no run on an MLflow server (it was trained"
                                      + " while the server was unreachable, or without"
                                      + " MLFLOW_TRACKING_URI).",
                              trackedOn.isPresent()
                                  ? "set MLFLOW_TRACKING_URI to "
                                      + trackedOn.get()
                                      + " (written exactly so), or train and evaluate again with"
                                      + " the server you want."
                                  : "run 'mlci train' and 'mlci evaluate' again with the server"
                                      + " reachable, then register.")));
      for (String needed : List.of(Workspace.MODEL_DIR, Workspace.EVAL_DIR)) {
        if (!linked.artifacts().contains(needed)) {
          throw new BadInputException(
              Problem.inFile(
                  Workspace.display(ws.out()),
                  "",
                  "the run "
                      + linked.run().runId()
                      + " has no '"
                      + needed
                      + "' artifact on "
                      + server.display()
                      + ", so the registered version would lack it.",
                  "run 'mlci evaluate' (with the server reachable) before 'mlci register'."));
        }
      }
      Map<String, String> tags = new java.util.LinkedHashMap<>();
      GitInfo.of(ws.repository()).ifPresent(g -> tags.put("mlci.git.commit", g.commit()));
      tags.put("mlci.model_digest", digest);
      try {
        MlflowServer.ModelVersion v =
            server.register(model, linked.run(), Workspace.MODEL_DIR, tags);
        server.setAlias(model, alias, v.version());
        return new RegisterResult(
            model,
            v.version(),
            alias,
            linked.run().runId(),
            v.source(),
            server.runUrl(linked.run()));
      } catch (TrackingException e) {
        throw new EnvironmentException(
            "registering " + model + " at " + server.display() + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** The runs of the local record in the output directory, newest first. */
  public static List<LocalRun> localRuns(Workspace workspace) throws MlciException {
    LocalRunStore store = new LocalRunStore(workspace.out().resolve(LocalRunStore.DIR));
    try {
      return store.list();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the local runs in "
              + Workspace.display(store.root())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The target branch: the option, else the CI's pull-request target (GitHub's GITHUB_BASE_REF,
   * Jenkins' CHANGE_TARGET), else gate.target, else main.
   */
  static String target(GateOptions options, GateConfig config) {
    if (options.target().isPresent()) {
      return options.target().get();
    }
    for (String variable : new String[] {"GITHUB_BASE_REF", "CHANGE_TARGET"}) {
      String v = options.env().get(variable);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return config.target().orElse(GateConfig.DEFAULT_TARGET);
  }

  static EvaluationBundle readBundle(Path file, String what, String fix) throws BadInputException {
    RegularFiles.require(file, Workspace.display(file), "");
    try (InputStream in = Files.newInputStream(file)) {
      return EvaluationBundle.read(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(
          Problem.inFile(Workspace.display(file), "", what + ": the file does not exist.", fix));
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException(
          Problem.inFile(Workspace.display(file), "", what + ": " + e.getMessage() + ".", fix));
    }
  }

  /**
   * Trains and evaluates {@code commit} in a temporary export of its files, with that commit's own
   * ml.yaml, and returns its evaluation: a baseline without any recorded one.
   */
  private EvaluationBundle rebuild(Plan plan, String commit) throws MlciException {
    Workspace ws = plan.workspace();
    Path temp = null;
    try {
      Path top = TreeExport.topLevel(ws.repository());
      if (!ws.config().startsWith(top)) {
        throw new BadInputException(
            Problem.inFile(
                Workspace.display(ws.config()),
                "",
                "a rebuild checks out the config from git, but this one is outside the repository.",
                "keep ml.yaml in the repository."));
      }
      temp = Files.createTempDirectory("mlci-rebuild-");
      Path checkout = Files.createDirectory(temp.resolve("checkout"));
      int files = TreeExport.export(ws.repository(), commit, checkout);
      progress.info(
          "rebuilding the baseline: exported "
              + files
              + " files of "
              + BaselineInfo.abbreviate(commit));
      Workspace old =
          new Workspace(
              checkout.resolve(top.relativize(ws.repository()).toString()),
              checkout.resolve(top.relativize(ws.config()).toString()),
              temp.resolve("out"));
      Plan oldPlan;
      // The baseline's rebuild is not a run of anyone's: it is not tracked.
      Mlci untracked = new Mlci(progress, clock, Map.of(), false);
      try {
        oldPlan = plan(old);
        untracked.train(oldPlan);
        untracked.evaluate(oldPlan);
      } catch (BadInputException e) {
        throw new BadInputException(
            Problem.inFile(
                "baseline rebuild at " + BaselineInfo.abbreviate(commit),
                "",
                "training the baseline commit failed: "
                    + e.getMessage().replace(System.lineSeparator(), " / "),
                "fix the target branch, record a baseline there ('mlci baseline record --push'), or use --baseline FILE."));
      }
      EvaluationBundle b = readBundle(old.evalDir().resolve(EvaluationBundle.FILE), "rebuild", "");
      return new EvaluationBundle(
          b.name(),
          b.task(),
          Optional.of(commit),
          false,
          b.modelDigest(),
          b.configSha256(),
          b.inputs(),
          b.metrics(),
          b.undefined(),
          b.predictions());
    } catch (IOException e) {
      throw new EnvironmentException(
          "rebuilding the baseline at " + commit + " failed: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          AtomicDirectory.deleteRecursively(temp);
        } catch (IOException e) {
          progress.info("could not remove " + temp + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Stores the evaluation in {@code OUT/eval} as the baseline of its commit: a git note under
   * refs/notes/mlci, pushed to {@code remote} when asked (retrying after a merge when another build
   * pushed first).
   */
  public RecordResult recordBaseline(
      Plan plan, boolean push, String remote, Map<String, String> env) throws MlciException {
    Workspace ws = plan.workspace();
    Path file = ws.evalDir().resolve(EvaluationBundle.FILE);
    EvaluationBundle bundle =
        readBundle(file, "there is no evaluation to record", "run 'mlci evaluate' first.");
    if (bundle.commit().isEmpty()) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(ws.repository()),
              "",
              "the evaluation was not made in a git repository, so there is no commit to attach it to.",
              "run mlci in a git checkout."));
    }
    if (bundle.dirty()) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(file),
              "",
              "the evaluation ran with uncommitted changes, so it does not describe commit "
                  + BaselineInfo.abbreviate(bundle.commit().get())
                  + ".",
              "commit (or stash) the changes, then run 'mlci run' and record again."));
    }
    String commit = bundle.commit().get();
    List<String> warnings = new ArrayList<>();
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(ws.repository().toFile());
    try (Repository repo = builder.build()) {
      ObjectId head = repo.resolve("HEAD");
      if (head != null && !head.name().equals(commit)) {
        warnings.add(
            "recorded on the evaluated commit "
                + BaselineInfo.abbreviate(commit)
                + ", not on HEAD "
                + BaselineInfo.abbreviate(head.name()));
      }
      byte[] bytes = Files.readAllBytes(file);
      GitNotes.put(
          repo, ObjectId.fromString(commit), bundle.name(), bytes, EvaluationBundle::nameOf);
      int attempts = 0;
      if (push) {
        if (!repo.getRemoteNames().contains(remote)) {
          throw new BadInputException(
              Problem.inFile(
                  "git",
                  "",
                  "there is no remote '" + remote + "' to push to.",
                  "pass --remote NAME, or add the remote."));
        }
        try {
          attempts =
              GitNotes.push(
                      repo, remote, Credentials.fromEnvironment(env), 5, EvaluationBundle::nameOf)
                  .attempts();
        } catch (GitAPIException
            | IOException
            | org.eclipse.jgit.api.errors.JGitInternalException e) {
          // JGit's internal exceptions carry what the remote answered (e.g. a web server that is
          // no git server): the environment's failure, exit 3, never "a bug in mlci".
          throw new EnvironmentException(
              "pushing "
                  + GitNotes.REF
                  + " to "
                  + GitNotes.describeRemote(repo, remote)
                  + " failed: "
                  + GitNotes.answer(e)
                  + ". The note is recorded locally; check that the remote's URL is a git"
                  + " server ('git remote get-url "
                  + remote
                  + "'), set MLCI_GIT_TOKEN (or GITHUB_TOKEN) with write access and retry"
                  + " 'mlci baseline record --push'.",
              e);
        }
      }
      return new RecordResult(
          commit,
          GitNotes.REF,
          bytes.length,
          push ? Optional.of(remote) : Optional.empty(),
          attempts,
          warnings);
    } catch (IOException e) {
      throw new EnvironmentException("recording the baseline failed: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses to evaluate a model on inputs other than it was trained with: other data, another split
   * (which would put training rows into the test set), other columns or column roles.
   */
  private static void requireSameInputs(Plan plan, ModelBundle bundle, LoadedData data)
      throws BadInputException {
    JsonNode saved = bundle.provenance().path("inputs");
    String retrain = "train again ('mlci train', or 'mlci run' for both steps).";
    if (!saved.isObject()) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(bundle.dir()),
              "",
              "the model was written by an older mlci and does not record its training inputs.",
              retrain));
    }
    List<InputSignature.Difference> differences =
        InputSignature.fromJson(saved).differences(InputSignature.of(plan.config(), data));
    if (!differences.isEmpty()) {
      List<Problem> problems = new ArrayList<>();
      for (InputSignature.Difference d : differences) {
        problems.add(
            plan.loaded()
                .problemAt(
                    d.field(),
                    d.message() + " (model in " + Workspace.display(bundle.dir()) + ").",
                    retrain));
      }
      throw new BadInputException(problems);
    }
  }

  /**
   * Before a step does any work: refuses when its output ({@code names}, and the run record every
   * step keeps) is in the way as something mlci did not write (exit 2).
   */
  static void claim(Workspace ws, String... names) throws BadInputException {
    List<String> all = new ArrayList<>(List.of(names));
    all.add(Tracking.STATE_FILE);
    all.add(LocalRunStore.DIR);
    OutputDirectory.requireOwned(ws.out(), all.toArray(String[]::new));
  }

  private ObjectNode runInfo(String step, Instant started) {
    return runInfo(step, started, clock.instant());
  }

  /** The {@code run.json} of a step: what ran, when, how long, with which mlci. */
  static ObjectNode runInfo(String step, Instant started, Instant finished) {
    return StepOutput.runInfo(step, started, finished);
  }

  private static String describe(LoadedData data) {
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
