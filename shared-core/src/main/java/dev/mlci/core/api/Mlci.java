package dev.mlci.core.api;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.InputSignature;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.eval.ModelEvaluation;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.io.Json;
import dev.mlci.core.model.LinearOnnx;
import dev.mlci.core.model.ModelBundle;
import dev.mlci.core.model.ModelDirectory;
import dev.mlci.core.model.ModelFormat;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.core.train.ModelTraining;
import dev.mlci.core.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
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

  /**
   * @param progress receives progress of long work
   * @param clock times recorded in {@code run.json} (and only there)
   */
  public Mlci(ProgressListener progress, Clock clock) {
    this.progress = Objects.requireNonNull(progress, "progress");
    this.clock = Objects.requireNonNull(clock, "clock");
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
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    progress.info(describe(data));
    TrainedModel trained = ModelTraining.train(plan.loaded(), data, progress);
    Optional<GitInfo> git = GitInfo.of(ws.repository());
    String[] digest = new String[1];
    try {
      AtomicDirectory.write(
          ws.modelDir(),
          ModelFormat.RUN_INFO,
          dir -> {
            digest[0] = ModelDirectory.write(dir, trained, plan.loaded(), data, git);
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("train", started));
          });
      // The evaluation of the previous model no longer describes the model in place.
      if (AtomicDirectory.deleteIfOurs(ws.evalDir(), ModelFormat.RUN_INFO)) {
        progress.info(
            "removed " + Workspace.display(ws.evalDir()) + ": it evaluated the previous model");
      }
    } catch (AtomicDirectory.ForeignDirectoryException e) {
      throw foreign(ws.modelDir());
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the model to " + Workspace.display(ws.modelDir()) + ": " + e.getMessage(),
          e);
    }
    Optional<String> noOnnx = LinearOnnx.whyNot(trained.model(), trained.spec());
    return new TrainResult(
        ws.modelDir(),
        digest[0],
        plan.config().model().trainer(),
        trained.trainingExamples(),
        noOnnx.isEmpty(),
        noOnnx,
        clock.millis() - started.toEpochMilli());
  }

  /** Scores the trained model on the test set and writes the evaluation directory. */
  public EvaluateResult evaluate(Plan plan) throws MlciException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
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
          ModelEvaluation.evaluate(plan.config(), bundle.spec(), bundle.model(), data.test());
    } finally {
      progress.finish();
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
      AtomicDirectory.write(
          ws.evalDir(),
          ModelFormat.RUN_INFO,
          dir -> {
            EvaluationFiles.write(dir, evaluation, context);
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("evaluate", started));
          });
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the evaluation to "
              + Workspace.display(ws.evalDir())
              + ": "
              + e.getMessage(),
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
    return new EvaluateResult(
        ws.evalDir(),
        evaluation.metrics().values(),
        evaluation.metrics().undefined(),
        evaluation.predictions().size(),
        clock.millis() - started.toEpochMilli(),
        files,
        warnings);
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

  private static BadInputException foreign(Path dir) {
    return new BadInputException(
        Problem.inFile(
            Workspace.display(dir),
            "",
            "this directory exists and was not written by mlci (it has no "
                + ModelFormat.RUN_INFO
                + "), so mlci"
                + " will not replace it.",
            "choose another --out, or move the directory away."));
  }

  private ObjectNode runInfo(String step, Instant started) {
    ObjectNode run = JsonNodeFactory.instance.objectNode();
    Instant finished = clock.instant();
    run.put("step", step);
    run.put("started", started.toString());
    run.put("finished", finished.toString());
    run.put("millis", finished.toEpochMilli() - started.toEpochMilli());
    run.put("mlci_version", ModelFormat.mlciVersion());
    return run;
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
