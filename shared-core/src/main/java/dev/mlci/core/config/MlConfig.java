package dev.mlci.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A validated ml.yaml. Every default is filled in, so what a run used can be recorded in full.
 *
 * @param version format version (1)
 * @param name model name
 * @param task what the model predicts
 * @param data where the data is and how to read it
 * @param model which model to train
 * @param metrics metrics to report, in order; never empty
 * @param gate how {@code mlci gate} compares with the baseline
 * @param tracking where runs are tracked (MLflow)
 */
public record MlConfig(
    int version,
    String name,
    Task task,
    DataConfig data,
    ModelConfig model,
    List<String> metrics,
    GateConfig gate,
    TrackingConfig tracking) {
  /** The only format version this mlci reads. */
  public static final int CURRENT_VERSION = 1;

  public MlConfig {
    if (version != CURRENT_VERSION) {
      throw new IllegalArgumentException("unsupported version " + version);
    }
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    metrics = List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics must not be empty");
    }
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(tracking, "tracking");
  }
}
