package dev.mlci.core.tracking;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one step logs to a tracked run: MLflow's params, metrics, tags, dataset inputs and
 * artifacts. The same value goes to the local record and to the server, so both say the same.
 *
 * @param params parameters, written once per run (MLflow refuses to change a logged param)
 * @param metrics metric values, each at a step
 * @param tags tags (set again by later steps, e.g. the gate's verdict)
 * @param inputs datasets the step read
 * @param artifacts files and directories to store under the run's artifact root
 */
public record RunData(
    Map<String, String> params,
    List<MetricPoint> metrics,
    Map<String, String> tags,
    List<DatasetInput> inputs,
    List<Artifact> artifacts) {
  public RunData {
    params = Map.copyOf(params);
    metrics = List.copyOf(metrics);
    tags = Map.copyOf(tags);
    inputs = List.copyOf(inputs);
    artifacts = List.copyOf(artifacts);
  }

  /**
   * A metric value.
   *
   * @param key metric name, e.g. {@code roc_auc} or {@code training_loss}
   * @param value the value (NaN and infinities are allowed, as in MLflow)
   * @param step the step, e.g. the training iteration; 0 for final values
   * @param timestamp when it was measured, epoch milliseconds
   */
  public record MetricPoint(String key, double value, long step, long timestamp) {
    public MetricPoint {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * A dataset a step read, as MLflow's {@code log-inputs} describes it.
   *
   * @param name e.g. {@code breast-cancer-train}
   * @param digest identifies the exact rows (file bytes and split)
   * @param source JSON describing where the data is, e.g. {@code {"uri": "data/x.csv"}}
   * @param schema JSON in MLflow's {@code mlflow_colspec} form
   * @param profile JSON, e.g. {@code {"num_rows": 455}}
   * @param context what the step used it for: {@code training} or {@code evaluation}
   */
  public record DatasetInput(
      String name, String digest, String source, String schema, String profile, String context) {
    /** MLflow's source type for a file read from the local file system. */
    public static final String SOURCE_TYPE = "local";

    public DatasetInput {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(digest, "digest");
    }
  }

  /**
   * A file or directory to store as an artifact.
   *
   * @param local the file or directory on disk
   * @param path where under the run's artifact root, e.g. {@code model}
   */
  public record Artifact(Path local, String path) {
    public Artifact {
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(path, "path");
    }
  }

  /** Collects a step's data. */
  public static final class Builder {
    private final Map<String, String> params = new LinkedHashMap<>();
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<DatasetInput> inputs = new ArrayList<>();
    private final List<Artifact> artifacts = new ArrayList<>();

    public Builder param(String key, Object value) {
      params.put(key, String.valueOf(value));
      return this;
    }

    public Builder metric(String key, double value, long step, long timestamp) {
      metrics.add(new MetricPoint(key, value, step, timestamp));
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder tags(Map<String, String> all) {
      tags.putAll(all);
      return this;
    }

    public Builder input(DatasetInput input) {
      inputs.add(input);
      return this;
    }

    public Builder artifact(Path local, String path) {
      artifacts.add(new Artifact(local, path));
      return this;
    }

    public RunData build() {
      return new RunData(params, metrics, tags, inputs, artifacts);
    }
  }
}
