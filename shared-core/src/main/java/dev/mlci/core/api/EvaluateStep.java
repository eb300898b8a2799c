package dev.mlci.core.api;

import dev.mlci.core.config.Task;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.InputSignature;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.TrainingRecord;
import dev.mlci.core.datagate.DataProfiles;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.eval.ModelEvaluation;
import dev.mlci.core.eval.Replicate;
import dev.mlci.core.external.ExternalEvaluation;
import dev.mlci.core.external.OnnxModelException;
import dev.mlci.core.external.OnnxRuntimeLibrary;
import dev.mlci.core.external.OnnxScorer;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.io.Background;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.core.model.ModelBundle;
import dev.mlci.core.model.ModelDirectory;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.StepRecords;
import dev.mlci.core.train.TrainingReplicates;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.TargetSpec;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.TableProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import tools.jackson.databind.JsonNode;

/**
 * {@code mlci evaluate}: scores the trained model on the test set and writes the evaluation
 * directory (metrics, per-example predictions, the bundle the gate compares), then adds the metrics
 * to the model's tracked run.
 */
public final class EvaluateStep extends Step<EvaluateResult> {
  /** The step's name in {@code run.json} and the tracked run. */
  public static final String NAME = "evaluate";

  private final DataHandOver handOver;

  public EvaluateStep(StepContext context, Plan plan) {
    this(context, plan, new DataHandOver());
  }

  /**
   * An evaluate step that uses the data a train step left in {@code handOver}, when still valid.
   */
  EvaluateStep(StepContext context, Plan plan, DataHandOver handOver) {
    super(context, plan);
    this.handOver = handOver;
  }

  @Override
  protected EvaluateResult run() throws MlciException {
    Workspace ws = plan.workspace();
    StepOutput output = StepOutput.claim(context, NAME, ws, Workspace.EVAL_DIR);
    // trainer: external scores through ONNX Runtime: started while the model and data are read.
    CompletableFuture<Void> onnxRuntime =
        plan.config().model().isExternal()
            ? OnnxRuntimeLibrary.startInBackground(ContainerizeStep.cacheDir(context.env()))
            : CompletableFuture.completedFuture(null);
    ModelBundle bundle;
    try {
      bundle = ModelDirectory.read(ws.modelDir(), Workspace.display(ws.modelDir()));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the model in " + Workspace.display(ws.modelDir()) + ": " + e.getMessage(),
          e);
    }
    Optional<DataHandOver.Handed> trained = handOver.take(ws.repository(), plan.loaded().sha256());
    trained.ifPresent(
        d ->
            context
                .progress()
                .info(
                    "the rows train read, unchanged (SHA-256 of "
                        + String.join(", ", d.data().files().stream().map(f -> f.path()).toList())
                        + " checked): not read again"));
    // Read again: only the test rows, when the model directory says what train read of the others.
    Optional<TableProfile> trainProfile =
        trained.isPresent() ? Optional.empty() : DataProfiles.recordedTraining(bundle.dir());
    Optional<TrainingRecord> record =
        trained.isPresent() ? Optional.empty() : trainingRecord(bundle, trainProfile);
    DataLoader loader = new DataLoader(ws.repository(), context.progress());
    LoadedData data =
        trained.isPresent()
            ? trained.get().data()
            : record.isPresent()
                ? loader.loadTestRows(plan.loaded(), record.get())
                : loader.load(plan.loaded());
    data.trainingRecord()
        .ifPresent(
            r ->
                context
                    .progress()
                    .info(
                        "test rows only: the "
                            + r.rows()
                            + " training rows of "
                            + data.files().get(0).path()
                            + " were passed over unparsed (the file train checked, SHA-256 "
                            + r.sha256().substring(0, 12)
                            + ")"));
    requireSameInputs(bundle, data);
    context
        .progress()
        .start(
            "scoring " + data.test().size() + " test examples",
            bundle.externalOnnx().isPresent() ? -1 : data.test().size(),
            "rows");
    Evaluation evaluation;
    try {
      evaluation =
          bundle.externalOnnx().isPresent()
              ? evaluateExternal(bundle, data, onnxRuntime)
              : ModelEvaluation.evaluate(
                  plan.config(), bundle.spec(), bundle.model(), data.test(), context.progress());
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of("evaluate on", data.test().size(), data.features().size(), e);
    } finally {
      if (bundle.model() != null) {
        MlpModel.release(bundle.model());
      }
      context.progress().finish();
    }
    Optional<String> nonFinite = ModelEvaluation.nonFinite(evaluation.predictions());
    if (nonFinite.isPresent()) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(ws.modelDir()),
              "",
              "the model's prediction for "
                  + nonFinite.get()
                  + " is not a number; it could not be stored or compared by the gate.",
              "the training diverged or a feature holds extreme values: check the data (model.standardize"
                  + " scales the features) and the trainer's params (a smaller learning rate),"
                  + " then train again."));
    }
    // gate.training_noise: the same config trained with further seeds, scored on the same rows.
    List<Replicate> replicates =
        plan.config().gate().trainingNoise()
            ? TrainingReplicates.train(
                plan.loaded(), data, plan.config().gate().trainingSeeds(), context.progress())
            : List.of();
    // The data gate's input: the profile of the training and test rows as loaded.
    DataProfile profile =
        trained
            .flatMap(DataHandOver.Handed::profile)
            .flatMap(EvaluateStep::computed)
            .orElseGet(
                () ->
                    data.trainingRecord().isPresent()
                        ? DataProfiles.of(
                            trainProfile.orElseThrow(),
                            data,
                            plan.config().task() == Task.CLASSIFICATION)
                        : DataProfiles.of(data, plan.config().task() == Task.CLASSIFICATION));
    EvaluationFiles.Context files =
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
    output.write(
        ws.evalDir(),
        "the evaluation",
        dir -> {
          EvaluationBundle evaluationBundle =
              evaluationBundle(data, bundle, evaluation, files.git())
                  .withReplicates(replicates)
                  .withData(profile);
          // The bundle (the predictions again, gzipped) on the other core while the files are
          // written; a failure of the files is reported first, as when one followed the other.
          FutureTask<Void> bundleFile =
              new FutureTask<>(
                  () -> {
                    try (OutputStream out =
                        Files.newOutputStream(dir.resolve(EvaluationBundle.FILE))) {
                      evaluationBundle.write(out);
                    }
                    return null;
                  });
          Thread writer = new Thread(bundleFile, "mlci-write-bundle");
          writer.setDaemon(true);
          writer.start();
          try {
            EvaluationFiles.write(dir, evaluation, files);
          } finally {
            awaitQuietly(writer);
          }
          awaitWritten(bundleFile);
        });
    long finished = context.clock().millis();
    Map<String, String> tags =
        StepRecords.contextTags(context.env(), files.git(), ws.repository(), bundle.digest());
    RunData.Builder run = new RunData.Builder().tags(tags);
    evaluation.metrics().values().forEach((k, v) -> run.metric(k, v, 0, finished));
    run.metric("test_examples", evaluation.predictions().size(), 0, finished);
    run.input(StepRecords.dataset(plan.config(), data, false, "evaluation"));
    run.artifact(ws.evalDir(), Workspace.EVAL_DIR);
    TrackedRun tracked =
        TrackedRun.of(output.track(plan, bundle.digest(), false, tags, run, finished));
    return new EvaluateResult(
        ws.evalDir(),
        evaluation.metrics().values(),
        evaluation.metrics().undefined(),
        evaluation.predictions().size(),
        finished - output.started().toEpochMilli(),
        written(),
        warnings(evaluation),
        tracked);
  }

  /** Waits for {@code writer} to end, keeping this thread's interrupt. */
  private static void awaitQuietly(Thread writer) {
    boolean interrupted = false;
    while (true) {
      try {
        writer.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The ended {@code write}'s failure, thrown as it was thrown on the writing thread. */
  private static void awaitWritten(FutureTask<Void> write) throws IOException {
    try {
      write.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the evaluation bundle was written", e);
    } catch (ExecutionException e) {
      throw Background.cause(e, IOException.class, IOException::new);
    }
  }

  /**
   * The profile train computed meanwhile, once done; empty when that failed (then it is computed
   * here, and fails here if it must).
   */
  static Optional<DataProfile> computed(Future<DataProfile> profile) {
    try {
      return Optional.of(profile.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | CancellationException e) {
      return Optional.empty();
    }
  }

  /**
   * What train recorded in the model directory of the training rows of a hash-split file (its
   * digest, the row counts, the classes and each one's rows): with it evaluate reads only the test
   * rows. Empty where evaluate needs the training rows themselves (gate.training_noise trains
   * replicates on them) or the model directory lacks a part of the record (then every row is read).
   */
  private Optional<TrainingRecord> trainingRecord(
      ModelBundle bundle, Optional<TableProfile> profile) {
    if (plan.config().gate().trainingNoise()
        || !plan.config().data().singleFile()
        || profile.isEmpty()) {
      return Optional.empty();
    }
    JsonNode provenance = bundle.provenance();
    JsonNode files = provenance.path("inputs").path("files");
    JsonNode examples = provenance.path("training_examples");
    JsonNode dropped = provenance.path("dropped_rows");
    if (!files.isArray()
        || files.size() != 1
        || !files.get(0).path("sha256").isString()
        || !examples.canConvertToInt()
        || !dropped.canConvertToInt()
        || profile.get().rows() != examples.asLong()) {
      return Optional.empty();
    }
    TargetSpec target = bundle.spec().target();
    Map<String, Long> counts = Map.of();
    if (target.isClassification()) {
      Optional<ColumnProfile> labels = profile.get().target();
      // The profile keeps the most frequent categories; every class must be among them.
      if (labels.isEmpty()
          || labels.get().other() != 0
          || !labels.get().categories().keySet().equals(new HashSet<>(target.classes()))) {
        return Optional.empty();
      }
      counts = labels.get().categories();
    }
    return Optional.of(
        new TrainingRecord(
            files.get(0).path("sha256").asString(),
            examples.asInt(),
            dropped.asInt(),
            target,
            counts));
  }

  /** The files the evaluation directory holds, in report order. */
  private List<String> written() {
    List<String> files =
        new ArrayList<>(List.of(EvaluationFiles.METRICS, EvaluationFiles.PREDICTIONS));
    if (plan.config().task() == Task.CLASSIFICATION) {
      files.add(EvaluationFiles.CONFUSION);
    }
    files.add(EvaluationFiles.REPORT);
    files.add(EvaluationBundle.FILE);
    return files;
  }

  private static List<String> warnings(Evaluation evaluation) {
    List<String> warnings = new ArrayList<>();
    if (!evaluation.unseenLevels().isEmpty()) {
      warnings.add(
          evaluation.unseenLevels().size()
              + " test value(s) have a category never seen in training and were encoded as no category, e.g. "
              + evaluation.unseenLevels().get(0)
              + " (all listed in report.md)");
    }
    return warnings;
  }

  /**
   * Scores the test rows with the exported model of {@code trainer: external}, through ONNX
   * Runtime.
   */
  private Evaluation evaluateExternal(
      ModelBundle bundle, LoadedData data, CompletableFuture<Void> onnxRuntime)
      throws BadInputException, EnvironmentException {
    String display = Workspace.display(bundle.dir());
    byte[] onnx;
    try {
      onnx = Files.readAllBytes(bundle.externalOnnx().get());
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the model in " + display + ": " + e.getMessage(), e);
    }
    OnnxRuntimeLibrary.awaitStart(onnxRuntime);
    OnnxRuntimeLibrary.useCached(ContainerizeStep.cacheDir(context.env()));
    try (OnnxScorer scorer = OnnxScorer.load(onnx, bundle.spec())) {
      return ExternalEvaluation.evaluate(plan.config(), bundle.spec(), scorer, data.test());
    } catch (OnnxModelException e) {
      throw new BadInputException(
          Problem.in(display + "/" + ModelFormat.ONNX_MODEL, "", e.getMessage(), e.fix()));
    }
  }

  /** The bundle the gate compares: metrics and per-example predictions, with their provenance. */
  private EvaluationBundle evaluationBundle(
      LoadedData data, ModelBundle model, Evaluation evaluation, Optional<GitInfo> git) {
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
        evaluation.predictions(),
        List.of());
  }

  /**
   * Refuses to evaluate a model on inputs other than it was trained with: other data, another split
   * (which would put training rows into the test set), other columns or column roles.
   */
  private void requireSameInputs(ModelBundle bundle, LoadedData data) throws BadInputException {
    JsonNode saved = bundle.provenance().path("inputs");
    Fix retrain =
        Fix.of(
            "train again ({}, or {} for both steps).",
            Suggestions.Step.TRAIN,
            Suggestions.Step.RUN);
    if (!saved.isObject()) {
      throw new BadInputException(
          Problem.in(
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
}
