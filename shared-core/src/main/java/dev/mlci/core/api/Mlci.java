package dev.mlci.core.api;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.eval.ModelEvaluation;
import dev.mlci.core.features.ColumnSpec;
import dev.mlci.core.features.FeatureSpec;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
          dir -> {
            digest[0] = ModelDirectory.write(dir, trained, plan.loaded(), data, git);
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("train", started));
          });
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
            plan.config().model().trainer(),
            GitInfo.of(ws.repository()));
    try {
      AtomicDirectory.write(
          ws.evalDir(),
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
    return new EvaluateResult(
        ws.evalDir(),
        evaluation.metrics().values(),
        evaluation.metrics().undefined(),
        evaluation.predictions().size(),
        clock.millis() - started.toEpochMilli());
  }

  /** Refuses to evaluate a model on other data, or with other columns, than it was trained with. */
  private static void requireSameInputs(Plan plan, ModelBundle bundle, LoadedData data)
      throws BadInputException {
    Map<String, String> trainedOn = new HashMap<>();
    for (JsonNode f : bundle.provenance().path("data")) {
      trainedOn.put(f.path("path").asString(), f.path("sha256").asString());
    }
    List<Problem> problems = new ArrayList<>();
    for (DataFile f : data.files()) {
      String before = trainedOn.get(f.path());
      if (before == null || !before.equals(f.sha256())) {
        problems.add(
            Problem.inFile(
                f.path(),
                "",
                before == null
                    ? "the model in "
                        + Workspace.display(bundle.dir())
                        + " was not trained on this file."
                    : "the file changed since the model was trained (sha256 "
                        + before.substring(0, 12)
                        + "… then, "
                        + f.sha256().substring(0, 12)
                        + "… now).",
                "train again ('mlci train', or 'mlci run' for both steps)."));
      }
    }
    FeatureSpec spec = bundle.spec();
    List<String> expected = spec.columns().stream().map(ColumnSpec::name).toList();
    if (problems.isEmpty()
        && (!expected.equals(data.features())
            || !spec.target().name().equals(plan.config().data().target()))) {
      problems.add(
          plan.loaded()
              .problemAt(
                  "data",
                  "the model was trained with target '"
                      + spec.target().name()
                      + "' and features "
                      + expected
                      + "; ml.yaml now asks for target '"
                      + plan.config().data().target()
                      + "' and features "
                      + data.features()
                      + ".",
                  "train again ('mlci train', or 'mlci run' for both steps)."));
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(problems);
    }
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
