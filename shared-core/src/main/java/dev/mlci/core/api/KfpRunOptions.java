package dev.mlci.core.api;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code mlci run --on kfp} runs the steps on a Kubeflow Pipelines cluster.
 *
 * @param endpoint the KFP API server (its base URL, before {@code /apis/v2beta1})
 * @param pipeline the pipeline to submit: the runner image pinned by digest, the repository and
 *     commit the cluster clones, the gate's target branch (as {@code mlci pipeline kfp})
 * @param experimentId the KFP experiment the run goes into; the server's default when empty
 * @param timeout how long to wait for the run before terminating it
 * @param pollInterval how often to ask the server about the run
 * @param env the environment: the bearer token {@code KFP_TOKEN}, or the file of a service-account
 *     token ({@code KF_PIPELINES_SA_TOKEN_PATH}, default {@value KfpRunStep#SA_TOKEN})
 */
public record KfpRunOptions(
    URI endpoint,
    PipelineOptions pipeline,
    Optional<String> experimentId,
    Duration timeout,
    Duration pollInterval,
    Map<String, String> env) {
  public KfpRunOptions {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(pipeline, "pipeline");
    if (pipeline.kind() != PipelineOptions.Kind.KFP) {
      throw new IllegalArgumentException("a Kubeflow run needs the kfp pipeline");
    }
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (timeout.isNegative() || timeout.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("timeout and poll interval must be positive");
    }
    env = Map.copyOf(env);
  }

  /** {@code 90s}, {@code 30m}, {@code 6h} as a duration (as ml.yaml's compute.timeout). */
  public static Duration duration(String text) {
    return dev.mlci.core.pipeline.ComputeConfig.duration(text);
  }

  @Override
  public String toString() {
    // The environment holds the token: never printed.
    return "KfpRunOptions[endpoint=" + endpoint + ", timeout=" + timeout + "]";
  }
}
