package dev.mlci.core.api;

import dev.mlci.core.gate.GateResult;
import dev.mlci.core.gate.GateText;
import dev.mlci.core.gate.GateView;
import dev.mlci.core.tracking.Tracked;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code mlci gate} produced.
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
    Tracked tracked) {
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

  /** The exit code faces report: 1 when the build fails, else 0. */
  public int exitCode() {
    return result.failsBuild() ? 1 : 0;
  }
}
