package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.eval.BundleFile;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.gate.BaselineInfo;
import dev.mlci.core.git.BaselineRecorder;
import dev.mlci.core.git.GitNotes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code mlci baseline record}: stores the evaluation in {@code OUT/eval} as the baseline of its
 * commit, a git note under {@value GitNotes#REF}, pushed when asked ({@link BaselineRecorder}).
 * Writes nothing under {@code --out}.
 */
public final class BaselineRecordStep extends Step<RecordResult> {
  private final RecordOptions options;

  public BaselineRecordStep(StepContext context, Plan plan, RecordOptions options) {
    super(context, plan);
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  protected RecordResult run() throws MlciException {
    Workspace ws = plan.workspace();
    Path file = ws.evalDir().resolve(EvaluationBundle.FILE);
    EvaluationBundle bundle =
        BundleFile.read(
            file,
            "there is no evaluation to record",
            Fix.of("run {} first.", Suggestions.Step.EVALUATE));
    if (bundle.commit().isEmpty()) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(ws.repository()),
              "",
              "the evaluation was not made in a git repository, so there is no commit to attach it to.",
              "run mlci in a git checkout."));
    }
    if (bundle.dirty()) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(file),
              "",
              "the evaluation ran with uncommitted changes, so it does not describe commit "
                  + BaselineInfo.abbreviate(bundle.commit().get())
                  + ".",
              Fix.of(
                  "commit (or stash) the changes, then run {} and record again.",
                  Suggestions.Step.RUN)));
    }
    String commit = bundle.commit().get();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new EnvironmentException("recording the baseline failed: " + e.getMessage(), e);
    }
    BaselineRecorder.Recorded recorded =
        BaselineRecorder.record(
            ws.repository(),
            commit,
            bundle.name(),
            bytes,
            EvaluationBundle::nameOf,
            options.push(),
            options.env());
    return new RecordResult(
        commit,
        GitNotes.REF,
        bytes.length,
        options.push(),
        recorded.pushAttempts(),
        recorded.warnings());
  }
}
