package dev.mlci.core.api;

import dev.mlci.core.gate.GateFiles;
import dev.mlci.core.gate.GateResult;
import dev.mlci.core.gate.GateText;
import dev.mlci.core.gate.GateView;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci gate} produced. Faces read it through the accessors below ({@link #verdict()},
 * {@link #text()}, ...), which speak only the api's types; {@link #result()} is the engine's full
 * result, which the reports are written from.
 *
 * @param result the decision and its reasons
 * @param view the reports' one model of the result (what gate.md, gate.html, JUnit and gate.json
 *     show)
 * @param gateDir where the reports are (gate.json, gate.md, gate-junit.xml, gate.html)
 * @param target the target branch used
 * @param files the report files
 * @param millis wall time of the step
 * @param tracked where the run was recorded (local record, MLflow)
 */
public record GateOutcome(
    GateResult result,
    GateView view,
    Path gateDir,
    String target,
    List<String> files,
    long millis,
    TrackedRun tracked) {
  public GateOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(gateDir, "gateDir");
    files = List.copyOf(files);
  }

  /** The gate as text lines for a terminal or build log, the same numbers as the reports. */
  public List<String> text() {
    return GateText.lines(view);
  }

  /** The gate in brief ({@code --quiet}): the headline and every rule that did not pass. */
  public List<String> briefText() {
    return GateText.brief(view);
  }

  /** The exit code faces report: 1 when the build fails, else 0. */
  public int exitCode() {
    return result.failsBuild() ? 1 : 0;
  }

  /** {@code PASS}, {@code FAIL} or {@code INCONCLUSIVE}. */
  public String verdict() {
    return result.verdict().name();
  }

  /** Whether the build fails (a FAIL, or an INCONCLUSIVE that is configured to fail). */
  public boolean failsBuild() {
    return result.failsBuild();
  }

  /** The one-line summary the reports start with. */
  public String headline() {
    return result.headline();
  }

  /** What the gate wants the reader to know beyond the rules. */
  public List<String> notes() {
    return result.notes();
  }

  /**
   * Where the baseline came from: {@code note}, {@code file}, {@code registry}, {@code rebuild}.
   */
  public String baselineSource() {
    return result.baseline().source();
  }

  /** The baseline's commit, when it has one. */
  public Optional<String> baselineCommit() {
    return result.baseline().commit();
  }

  /** The Markdown report (gate.md), the one to show a reviewer. */
  public Path report() {
    return gateDir.resolve(GateFiles.MARKDOWN);
  }
}
