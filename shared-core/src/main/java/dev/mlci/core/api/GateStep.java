package dev.mlci.core.api;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.datagate.DataGate;
import dev.mlci.core.datagate.DataGateConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.eval.BundleFile;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.gate.BaselineInfo;
import dev.mlci.core.gate.BaselineMatch;
import dev.mlci.core.gate.BaselineSource;
import dev.mlci.core.gate.DataGateResult;
import dev.mlci.core.gate.GateEvaluator;
import dev.mlci.core.gate.GateFiles;
import dev.mlci.core.gate.GatePlots;
import dev.mlci.core.gate.GateReportContext;
import dev.mlci.core.gate.GateResult;
import dev.mlci.core.gate.GateView;
import dev.mlci.core.gate.RegistryRef;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.git.TreeExport;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.io.Background;
import dev.mlci.core.tracking.MlflowServer;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.StepRecords;
import dev.mlci.core.tracking.Tracking;
import dev.mlci.core.tracking.TrackingException;
import dev.mlci.core.train.TrainingReplicates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code mlci gate}: compares the evaluated candidate with the baseline of the target branch (a
 * {@link BaselineSource}) and writes the reports. The build should fail when {@link
 * GateOutcome#exitCode()} is 1.
 */
public final class GateStep extends Step<GateOutcome> {
  /** The step's name in {@code run.json} and the tracked run. */
  public static final String NAME = "gate";

  private final GateOptions options;

  public GateStep(StepContext context, Plan plan, GateOptions options) {
    super(context, plan);
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  protected GateOutcome run() throws MlciException {
    Workspace ws = plan.workspace();
    StepOutput output = StepOutput.claim(context, NAME, ws, Workspace.GATE_DIR);
    // Started now, overlapping with the gate's own work: the git state for the tags, and the chart
    // library's start-up for gate.html (bench/startup).
    Supplier<Optional<GitInfo>> git = GitInfo.inBackground(ws.repository());
    GateFiles.prepareInBackground();
    GateConfig config = plan.config().gate();
    EvaluationBundle candidate =
        BundleFile.read(
            ws.evalDir().resolve(EvaluationBundle.FILE),
            "there is no evaluation to gate",
            Fix.of("run {} first (or {}).", Suggestions.Step.EVALUATE, Suggestions.Step.RUN));
    String target = target(options, config);
    BaselineSource source = BaselineSource.of(options.baseline());
    BaselineSource.Baseline resolved =
        source.resolve(
            new BaselineSource.Context(
                ws.repository(),
                target,
                plan.config().name(),
                config,
                options.fetch(),
                options.env(),
                context.progress(),
                this::rebuild,
                this::registryEvaluation));
    Optional<EvaluationBundle> baseline = resolved.bundle();
    BaselineInfo info = resolved.info();
    if (baseline.isPresent()) {
      BaselineMatch.require(baseline.get(), candidate, info, target);
    }
    // The data gate's resamples run on a second core while this thread evaluates the model rules
    // and draws the report's plots, which do not depend on it (bench/startup: the no-op gate).
    Optional<EvaluationBundle> baselineBundle = baseline;
    Background<DataGateResult> data =
        Background.start(
            "mlci-data-gate",
            "computing the data gate",
            () ->
                new DataGate(
                        DataGateConfig.of(plan.loaded()),
                        config.confidence(),
                        config.resamples(),
                        config.seed())
                    .evaluate(candidate.data(), baselineBundle.flatMap(EvaluationBundle::data)));
    GateResult result =
        new GateEvaluator(config)
            .evaluate(
                plan.config().metrics(), candidate, baseline, info, options.failOnInconclusive());
    GateReportContext report =
        new GateReportContext(
            plan.config().name(), candidate, baseline, target, config.resamples(), config.seed());
    GatePlots plots = GatePlots.draw(GateView.of(result, report), report);
    result =
        result.withData(
            data.join(),
            options.failOnInconclusive() || config.inconclusive() == GateConfig.Inconclusive.FAIL);
    GateView view = GateView.of(result, report);
    Path dir = ws.out().resolve(Workspace.GATE_DIR);
    output.write(dir, "the gate report", d -> GateFiles.write(d, view, report, plots));
    long finished = context.clock().millis();
    Map<String, String> tags =
        StepRecords.contextTags(context.env(), git.get(), ws.repository(), candidate.modelDigest());
    RunData.Builder run = new RunData.Builder().tags(tags);
    StepRecords.gate(run, result, target, finished);
    run.artifact(dir, Workspace.GATE_DIR);
    TrackedRun tracked =
        TrackedRun.of(output.track(plan, candidate.modelDigest(), false, tags, run, finished));
    return new GateOutcome(
        result,
        view,
        dir,
        target,
        List.of(GateFiles.JSON, GateFiles.MARKDOWN, GateFiles.JUNIT, GateFiles.HTML),
        finished - output.started().toEpochMilli(),
        tracked);
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

  /**
   * Trains and evaluates {@code commit} in a temporary export of its files, with that commit's own
   * ml.yaml, and returns its evaluation: a baseline without any recorded one. The rebuild is not a
   * run of anyone's: it is not tracked.
   */
  private EvaluationBundle rebuild(String commit) throws MlciException {
    Workspace ws = plan.workspace();
    Path temp = null;
    try {
      Path top = TreeExport.topLevel(ws.repository());
      if (!ws.config().startsWith(top)) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(ws.config()),
                "",
                "a rebuild checks out the config from git, but this one is outside the repository.",
                "keep ml.yaml in the repository."));
      }
      temp = Files.createTempDirectory("mlci-rebuild-");
      Path checkout = Files.createDirectory(temp.resolve("checkout"));
      int files = TreeExport.export(ws.repository(), commit, checkout);
      context
          .progress()
          .info(
              "rebuilding the baseline: exported "
                  + files
                  + " files of "
                  + BaselineInfo.abbreviate(commit));
      Workspace old =
          new Workspace(
              checkout.resolve(top.relativize(ws.repository()).toString()),
              checkout.resolve(top.relativize(ws.config()).toString()),
              temp.resolve("out"));
      StepContext untracked = context.untracked();
      Plan oldPlan;
      try {
        oldPlan = Mlci.plan(old);
        new TrainStep(untracked, oldPlan).call();
        new EvaluateStep(untracked, oldPlan).call();
      } catch (BadInputException e) {
        throw new BadInputException(
            Problem.in(
                "baseline rebuild at " + BaselineInfo.abbreviate(commit),
                "",
                "training the baseline commit failed: "
                    + e.getMessage().replace(System.lineSeparator(), " / "),
                Fix.of(
                    "fix the target branch, record a baseline there ({}), or use {}.",
                    Suggestions.Step.RECORD_BASELINE,
                    Suggestions.Option.BASELINE.is("FILE"))));
      }
      EvaluationBundle b =
          BundleFile.read(old.evalDir().resolve(EvaluationBundle.FILE), "rebuild", "");
      // With gate.training_noise the rebuilt baseline is trained with as many seeds as the
      // candidate, whatever that commit's own ml.yaml says.
      int seeds = plan.config().gate().trainingSeeds();
      if (seeds > 1 + b.replicates().size()) {
        b =
            b.withReplicates(
                TrainingReplicates.train(
                    oldPlan.loaded(),
                    new DataLoader(old.repository()).load(oldPlan.loaded()),
                    seeds,
                    context.progress()));
      }
      return b.atCommit(commit);
    } catch (IOException e) {
      throw new EnvironmentException(
          "rebuilding the baseline at " + commit + " failed: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          AtomicDirectory.deleteRecursively(temp);
        } catch (IOException e) {
          context.progress().info("could not remove " + temp + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * The evaluation bundle of a registered model version, read from its run's {@code eval} artifact
   * on the tracking server.
   */
  private byte[] registryEvaluation(RegistryRef ref) throws MlciException {
    try (Tracking tracking = context.tracking(plan)) {
      MlflowServer server = RegisterStep.requireServer(tracking, "--baseline " + ref);
      try {
        MlflowServer.ModelVersion v =
            ref.alias().isPresent()
                ? server.byAlias(ref.name(), ref.alias().get())
                : server.byVersion(ref.name(), ref.version().orElseThrow());
        context
            .progress()
            .info(
                "baseline: version "
                    + v.version()
                    + " of "
                    + v.name()
                    + " (run "
                    + v.runId()
                    + ")");
        if (v.runId().isEmpty()) {
          throw new BadInputException(
              Problem.in(
                  ref.toString(),
                  "",
                  "version "
                      + v.version()
                      + " was registered without a run, so it has no evaluation.",
                  Fix.of(
                      "register models with {}, which links the version to its run.",
                      Suggestions.Step.REGISTER)));
        }
        return server.download(server.getRun(v.runId()), BaselineSource.Registry.ARTIFACT);
      } catch (TrackingException e) {
        if (e.refused()) {
          throw new BadInputException(
              Problem.in(
                  ref.toString(),
                  "",
                  "the registry cannot give this baseline: " + e.getMessage() + ".",
                  Fix.of(
                      "check the name and alias (or version); on main, {} registers the evaluated"
                          + " model and sets the alias.",
                      Suggestions.Step.REGISTER)));
        }
        throw new EnvironmentException(
            "reading the baseline " + ref + " failed: " + e.getMessage(), e);
      }
    }
  }
}
