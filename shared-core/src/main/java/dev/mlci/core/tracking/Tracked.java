package dev.mlci.core.tracking;

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
public record Tracked(
    Optional<Path> localRun, Optional<String> serverRun, String runId, List<String> warnings) {
  public Tracked {
    Objects.requireNonNull(localRun, "localRun");
    Objects.requireNonNull(serverRun, "serverRun");
    Objects.requireNonNull(runId, "runId");
    warnings = List.copyOf(warnings);
  }

  /** Nothing was recorded (tracking off, e.g. while rebuilding a baseline). */
  public static Tracked none() {
    return new Tracked(Optional.empty(), Optional.empty(), "", List.of());
  }
}
