package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubeflow run of the steps that succeeded, and what came back from it: the run's id, each task's
 * final state, the verdict the cluster's gate task reached, and where the downloaded evaluation and
 * the cluster's reports lie. The runner gates the evaluation itself afterwards.
 *
 * @param runId the server's id of the run
 * @param pipeline the pipeline's name
 * @param endpoint the API server
 * @param tasks each task's final state, by task name
 * @param clusterVerdict the verdict of the gate task in the cluster (from its gate.json)
 * @param evalDir the evaluation, downloaded into the output folder's {@code eval}
 * @param runDir the run's record and the cluster's reports ({@code kfp/})
 * @param millis how long it took, submission to download
 */
public record KfpRunResult(
    String runId,
    String pipeline,
    String endpoint,
    Map<String, String> tasks,
    String clusterVerdict,
    Path evalDir,
    Path runDir,
    long millis) {
  public KfpRunResult {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(endpoint, "endpoint");
    tasks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tasks));
    Objects.requireNonNull(clusterVerdict, "clusterVerdict");
    Objects.requireNonNull(evalDir, "evalDir");
    Objects.requireNonNull(runDir, "runDir");
  }
}
