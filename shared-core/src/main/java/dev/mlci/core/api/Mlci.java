package dev.mlci.core.api;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.eval.BundleFile;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.ModelFormat;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.tribuo.Tribuo;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's entry point: plan a run from a workspace, then run its steps. Faces (CLI, GitHub
 * Action, Jenkins) call only this and the types of {@code dev.mlci.core.api}.
 *
 * <p>A thin facade: each method runs one step object ({@link TrainStep}, {@link EvaluateStep},
 * {@link GateStep}, {@link RegisterStep}, {@link BaselineRecordStep}, {@link ListRunsStep}) with
 * this engine's {@link StepContext}. Every step writes its output directory all at once through
 * {@link StepOutput}: a failed step leaves the previous result in place and no partial files.
 */
public final class Mlci {
  private final StepContext context;

  /** The data a train hands to the next evaluate of this engine ({@code mlci run}). */
  private final DataHandOver handOver = new DataHandOver();

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
    this(StepContext.of(progress, clock, env));
  }

  /** An engine running its steps with {@code context}. */
  public Mlci(StepContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /** The context this engine's steps run with. */
  public StepContext context() {
    return context;
  }

  /** This mlci's version, e.g. {@code 0.1.0}. */
  public static String version() {
    return ModelFormat.mlciVersion();
  }

  /** The Tribuo version models are trained with. */
  public static String tribuoVersion() {
    return Tribuo.VERSION;
  }

  /**
   * Starts initialising, on a daemon thread, what the first {@link #plan} uses (the YAML parser,
   * Jackson, the schema): for a face to call before it parses its command line, which the main
   * thread does meanwhile. Reads no file; {@link #plan} reports any problem as it would without.
   */
  public static void preparePlan() {
    Thread t = new Thread(ConfigLoader::prepare, "mlci-prepare-plan");
    t.setDaemon(true);
    t.start();
  }

  /** Loads and validates {@code workspace}'s ml.yaml. Writes nothing. */
  public static Plan plan(Workspace workspace) throws BadInputException {
    return new Plan(workspace, new ConfigLoader(workspace.repository()).load(workspace.config()));
  }

  /** Trains the model and writes the model directory ({@link TrainStep}). */
  public TrainResult train(Plan plan) throws MlciException {
    return new TrainStep(context, plan, handOver).call();
  }

  /** Scores the trained model on the test set and writes the evaluation ({@link EvaluateStep}). */
  public EvaluateResult evaluate(Plan plan) throws MlciException {
    return new EvaluateStep(context, plan, handOver).call();
  }

  /**
   * Compares the evaluated candidate with the baseline of the target branch and writes the reports
   * ({@link GateStep}). The build should fail when {@link GateOutcome#exitCode()} is 1.
   */
  public GateOutcome gate(Plan plan, GateOptions options) throws MlciException {
    return new GateStep(context, plan, options).call();
  }

  /**
   * Registers the evaluated model as a new version in MLflow's model registry and points {@code
   * alias} at it ({@link RegisterStep}).
   */
  public RegisterResult register(Plan plan, Optional<String> name, String alias)
      throws MlciException {
    return new RegisterStep(context, plan, new RegisterOptions(name, alias)).call();
  }

  /**
   * Stores the evaluation in {@code OUT/eval} as the baseline of its commit, a git note pushed to
   * {@code remote} when asked ({@link BaselineRecordStep}).
   */
  public RecordResult recordBaseline(
      Plan plan, boolean push, String remote, Map<String, String> env) throws MlciException {
    return new BaselineRecordStep(
            context, plan, new RecordOptions(push ? Optional.of(remote) : Optional.empty(), env))
        .call();
  }

  /** The runs of the local record in the output directory, newest first ({@link ListRunsStep}). */
  public static List<RunRecord> localRuns(Workspace workspace) throws MlciException {
    return new ListRunsStep(workspace).call();
  }

  /** The evaluation bundle in {@code file}; refused naming the file when it cannot be read. */
  static EvaluationBundle readBundle(Path file, String what, String fix) throws BadInputException {
    return BundleFile.read(file, what, fix);
  }

  /** The {@code run.json} of a step: what ran, when, how long, with which mlci. */
  static ObjectNode runInfo(String step, Instant started, Instant finished) {
    return StepOutput.runInfo(step, started, finished);
  }
}
