package dev.mlci.core.api;

import dev.mlci.core.tracking.LocalRun;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A run of the local record, as {@code mlci runs} shows it.
 *
 * @param experiment the experiment's name
 * @param runId MLflow's 32-hex run id
 * @param runName the run's name
 * @param status its state: {@code RUNNING}, {@code FINISHED}, {@code FAILED} or {@code KILLED}
 * @param started when it started
 * @param finished when its last step ended, if one did
 * @param params its params
 * @param metrics the latest value of each metric
 * @param tags its tags
 */
public record RunRecord(
    String experiment,
    String runId,
    String runName,
    String status,
    Instant started,
    Optional<Instant> finished,
    Map<String, String> params,
    Map<String, Double> metrics,
    Map<String, String> tags) {
  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }

  static RunRecord of(LocalRun r) {
    return new RunRecord(
        r.experiment(),
        r.runId(),
        r.runName(),
        r.status().name(),
        r.started(),
        r.finished(),
        r.params(),
        r.metrics(),
        r.tags());
  }
}
