package dev.mlci.core.api;

import dev.mlci.core.tracking.Tracked;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a step's run was recorded.
 *
 * @param localRun the run's directory in the local record, unless writing it failed
 * @param serverRun the run's page on the MLflow server, when one is configured and took it
 * @param runId the server's run id when it has one, else the local one
 * @param warnings what went wrong with tracking without failing the step
 */
public record TrackedRun(
    Optional<Path> localRun, Optional<String> serverRun, String runId, List<String> warnings) {
  public TrackedRun {
    Objects.requireNonNull(localRun, "localRun");
    Objects.requireNonNull(serverRun, "serverRun");
    Objects.requireNonNull(runId, "runId");
    warnings = List.copyOf(warnings);
  }

  static TrackedRun of(Tracked t) {
    return new TrackedRun(t.localRun(), t.serverRun(), t.runId(), t.warnings());
  }
}
