package dev.mlci.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tracking} section of ml.yaml: where runs go besides the local record in the output
 * directory. {@code MLFLOW_TRACKING_URI} in the environment overrides {@code uri}, as it does for
 * MLflow's own clients.
 *
 * @param uri the MLflow tracking server, e.g. {@code http://mlflow.internal:5000}
 * @param experiment the MLflow experiment; default: the model's name
 * @param required whether a step fails (exit 3) when the server cannot be reached; by default it
 *     warns and keeps the local record
 */
public record TrackingConfig(Optional<String> uri, Optional<String> experiment, boolean required) {
  public TrackingConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(experiment, "experiment");
  }

  /** No section: the environment decides, failures warn. */
  public static TrackingConfig defaults() {
    return new TrackingConfig(Optional.empty(), Optional.empty(), false);
  }
}
