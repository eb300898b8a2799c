package dev.mlci.core.tracking;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.Rows;
import dev.mlci.core.gate.GateResult;
import dev.mlci.core.gate.Interval;
import dev.mlci.core.gate.RuleResult;
import dev.mlci.core.git.GitInfo;
import dev.mlci.format.Digests;
import dev.mlci.format.ModelFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** What each step records in its MLflow run: the same for the local record and the server. */
public final class StepRecords {
  private StepRecords() {}

  /** The run's name: the model, the branch and the short commit, e.g. {@code bc@main-1a2b3c4}. */
  public static String runName(MlConfig config, Map<String, String> tags) {
    String commit = tags.getOrDefault("mlflow.source.git.commit", "");
    String branch = tags.getOrDefault("mlflow.source.git.branch", "");
    StringBuilder sb = new StringBuilder(config.name());
    if (!branch.isEmpty() || !commit.isEmpty()) {
      sb.append('@').append(branch);
      if (!commit.isEmpty()) {
        sb.append(branch.isEmpty() ? "" : "-").append(commit, 0, Math.min(7, commit.length()));
      }
    }
    return sb.toString();
  }

  /** Tags every step sets: where the run comes from and what mlci ran. */
  public static Map<String, String> contextTags(
      Map<String, String> env, Optional<GitInfo> git, Path repository, String modelDigest) {
    Map<String, String> tags = new LinkedHashMap<>(RunContext.tags(env, git, repository));
    tags.put("mlci.version", ModelFormat.mlciVersion());
    tags.put("mlci.model_digest", modelDigest);
    return tags;
  }

  /** MLflow's limit on a param's value. */
  private static final int PARAM_LIMIT = 6000;

  /**
   * Params of the training: trainer and its params (defaults filled in), whether features were
   * standardised, split, seeds, data, and the features when ml.yaml chooses them.
   */
  public static void trainParams(
      RunData.Builder b, MlConfig config, LoadedData data, boolean standardized) {
    b.param("task", config.task().yamlName());
    b.param("model.trainer", config.model().trainer());
    b.param("model.seed", config.model().seed());
    config.model().params().forEach((k, v) -> b.param("model.params." + k, v));
    b.param("model.standardize", standardized);
    DataConfig d = config.data();
    d.path().ifPresent(p -> b.param("data.path", p));
    d.train().ifPresent(p -> b.param("data.train", p));
    d.test().ifPresent(p -> b.param("data.test", p));
    b.param("data.target", d.target());
    // What a branch changes most often besides the trainer: which columns go in.
    d.features().ifPresent(f -> b.param("data.features", listParam(data.features())));
    if (!d.categorical().isEmpty()) {
      b.param("data.categorical", listParam(d.categorical()));
    }
    d.id().ifPresent(id -> b.param("data.id", id));
    d.positiveClass().ifPresent(p -> b.param("data.positive_class", p));
    b.param("data.missing", d.missing().name().toLowerCase(Locale.ROOT));
    if (d.path().isPresent()) {
      b.param("data.split.test_fraction", d.split().testFraction());
      b.param("data.split.seed", d.split().seed());
      b.param("data.split.strategy", d.split().strategy().yamlName());
    }
  }

  /** A list as one param value, within MLflow's limit (a long list ends with how many it had). */
  private static String listParam(List<String> items) {
    String all = String.join(", ", items);
    if (all.length() <= PARAM_LIMIT) {
      return all;
    }
    String suffix = " ... (" + items.size() + " in all)";
    return all.substring(0, PARAM_LIMIT - suffix.length()) + suffix;
  }

  /**
   * The training or test rows as an MLflow dataset: the digest covers the data files' bytes and the
   * ids of the rows in the split, so the same name and digest mean the same examples.
   */
  public static RunData.DatasetInput dataset(
      MlConfig config, LoadedData data, boolean training, String context) {
    List<DataRow> rows = training ? data.train() : data.test();
    StringBuilder key = new StringBuilder();
    for (DataFile f : data.files()) {
      key.append(f.sha256()).append('\n');
    }
    for (int i = 0; i < rows.size(); i++) {
      key.append(Rows.id(rows, i)).append('\n');
    }
    String digest = Digests.sha256Hex(key.toString().getBytes(StandardCharsets.UTF_8));
    ObjectNode source = JsonNodeFactory.instance.objectNode();
    DataConfig d = config.data();
    source.put(
        "uri", d.path().orElseGet(() -> training ? d.train().orElse("") : d.test().orElse("")));
    if (d.path().isPresent()) {
      source.put("split", training ? "train" : "test");
    }
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    ArrayNode cols = schema.putArray("mlflow_colspec");
    for (int i = 0; i < data.features().size(); i++) {
      cols.addObject()
          .put("type", data.categorical().get(i) ? "string" : "double")
          .put("name", data.features().get(i))
          .put("required", true);
    }
    cols.addObject()
        .put("type", data.target().isClassification() ? "string" : "double")
        .put("name", d.target())
        .put("required", true);
    ObjectNode profile = JsonNodeFactory.instance.objectNode();
    profile.put("num_rows", rows.size());
    profile.put("num_elements", (long) rows.size() * (data.features().size() + 1));
    return new RunData.DatasetInput(
        config.name() + (training ? "-train" : "-test"),
        digest.substring(0, 16),
        source.toString(),
        schema.toString(),
        profile.toString(),
        context);
  }

  /** The gate's verdict as tags, and each rule's change (candidate minus baseline) as metrics. */
  public static void gate(RunData.Builder b, GateResult result, String target, long now) {
    b.tag("mlci.gate.verdict", result.verdict().name());
    b.tag("mlci.gate.target", target);
    b.tag("mlci.gate.baseline", result.baseline().description());
    for (RuleResult rule : result.rules()) {
      if (rule.interval().isEmpty()) {
        continue;
      }
      Interval i = rule.interval().get();
      double sign = rule.higherIsBetter() ? 1 : -1;
      String key = "gate/" + rule.metric();
      b.metric(key + "/delta", sign * i.estimate() + 0.0, 0, now);
      b.metric(key + "/delta_lo", Math.min(sign * i.lo(), sign * i.hi()) + 0.0, 0, now);
      b.metric(key + "/delta_hi", Math.max(sign * i.lo(), sign * i.hi()) + 0.0, 0, now);
    }
    if (result.data().ran()) {
      b.tag("mlci.gate.data_verdict", result.data().verdict().name());
      // The data gate's drift statistics: data/<split>/<column>/<statistic>, with _lo and _hi.
      for (dev.mlci.core.gate.DataRuleResult r : result.data().drift()) {
        if (r.interval().isEmpty()) {
          continue;
        }
        String key = "data/" + r.split() + "/" + metricName(r.column()) + "/" + r.statistic();
        b.metric(key, r.estimate(), 0, now);
        b.metric(key + "_lo", r.interval().get().lo(), 0, now);
        if (Double.isFinite(r.interval().get().hi())) {
          b.metric(key + "_hi", r.interval().get().hi(), 0, now);
        }
      }
    }
  }

  /** A column name as an MLflow metric name may hold it (letters, digits, _ - . space /). */
  static String metricName(String column) {
    return column.replaceAll("[^A-Za-z0-9_\\-. ]", "_");
  }
}
