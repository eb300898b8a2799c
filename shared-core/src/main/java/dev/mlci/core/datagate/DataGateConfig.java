package dev.mlci.core.datagate;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.format.profile.ColumnProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The data gate's settings: {@code data.schema} (schema rules; inferred from the baseline's profile
 * unless pinned) and {@code gate.data_rules} (drift rules). ml.yaml's schema validates both
 * sections; the defaults are justified in VALIDATION.md.
 *
 * @param enabled {@code gate.data_rules.enabled}: whether the data gate runs; default true
 * @param wasserstein {@code gate.data_rules.wasserstein}: the normed Wasserstein distance beyond
 *     which a numeric column drifted; default {@value #DEFAULT_WASSERSTEIN}
 * @param jensenShannon {@code gate.data_rules.jensen_shannon}: the Jensen–Shannon distance beyond
 *     which a categorical column (or a class label) drifted; default {@value #DEFAULT_JS}
 * @param label {@code gate.data_rules.label}: whether the target's distribution is checked
 * @param datasetShare {@code gate.data_rules.dataset_share}: the share of feature columns that must
 *     drift for the dataset rule to FAIL; default {@value #DEFAULT_SHARE}
 * @param splits {@code gate.data_rules.splits}: which splits are compared
 * @param driftFails {@code gate.data_rules.severity}: fail (default) or warn (a drift is
 *     INCONCLUSIVE)
 * @param schemaFails {@code data.schema.severity}: fail (default) or warn
 * @param missingTolerance {@code data.schema.missing_tolerance}: how far a column's missing rate
 *     may rise above the baseline's; default {@value #DEFAULT_MISSING}
 * @param unseenShare {@code data.schema.unseen_share}: the largest share of rows that may hold a
 *     category the baseline never saw; default {@value #DEFAULT_UNSEEN}
 * @param columns {@code data.schema.columns}: pinned column kinds (checked also without a baseline)
 * @param ranges {@code data.schema.ranges}: declared ranges of numeric columns
 * @param lines the ml.yaml line of each rule key (for annotations): the key's, else its section's
 *     ({@code gate.data_rules}, {@code data.schema}), else {@code gate:}'s or {@code data:}'s; 0
 *     when none is written
 */
public record DataGateConfig(
    boolean enabled,
    double wasserstein,
    double jensenShannon,
    boolean label,
    double datasetShare,
    List<String> splits,
    boolean driftFails,
    boolean schemaFails,
    double missingTolerance,
    double unseenShare,
    Map<String, ColumnProfile.Kind> columns,
    Map<String, Range> ranges,
    Map<String, Integer> lines) {
  public static final double DEFAULT_WASSERSTEIN = 0.1;
  public static final double DEFAULT_JS = 0.1;
  public static final double DEFAULT_SHARE = 0.5;
  public static final double DEFAULT_MISSING = 0.05;
  public static final double DEFAULT_UNSEEN = 0.01;

  /** A declared range; either end may be infinite. */
  public record Range(double min, double max) {
    public Range {
      if (!(min <= max)) {
        throw new IllegalArgumentException("a range's min " + min + " exceeds its max " + max);
      }
    }
  }

  public DataGateConfig {
    if (!(wasserstein > 0) || !(jensenShannon > 0)) {
      throw new IllegalArgumentException("drift thresholds must be > 0");
    }
    if (!(datasetShare > 0 && datasetShare <= 1)) {
      throw new IllegalArgumentException("dataset_share must be in (0, 1], not " + datasetShare);
    }
    splits = List.copyOf(splits);
    columns = Map.copyOf(columns);
    ranges = Map.copyOf(ranges);
    lines = Map.copyOf(lines);
  }

  /** The defaults (no {@code data.schema}, no {@code gate.data_rules}). */
  public static DataGateConfig defaults() {
    return new DataGateConfig(
        true,
        DEFAULT_WASSERSTEIN,
        DEFAULT_JS,
        true,
        DEFAULT_SHARE,
        List.of("train", "test"),
        true,
        true,
        DEFAULT_MISSING,
        DEFAULT_UNSEEN,
        Map.of(),
        Map.of(),
        Map.of());
  }

  /** The line of ml.yaml a rule's annotation goes on. */
  public int line(String key) {
    return lines.getOrDefault(key, 0);
  }

  /** The settings of {@code loaded}'s ml.yaml. */
  public static DataGateConfig of(LoadedConfig loaded) {
    Objects.requireNonNull(loaded, "loaded");
    JsonNode d = loaded.section("gate.data_rules");
    JsonNode s = loaded.section("data.schema");
    Map<String, ColumnProfile.Kind> columns = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : s.path("columns").properties()) {
      columns.put(e.getKey(), ColumnProfile.Kind.fromYaml(e.getValue().asString()));
    }
    Map<String, Range> ranges = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : s.path("ranges").properties()) {
      JsonNode r = e.getValue();
      ranges.put(
          e.getKey(),
          new Range(
              r.path("min").isNumber() ? r.get("min").asDouble() : Double.NEGATIVE_INFINITY,
              r.path("max").isNumber() ? r.get("max").asDouble() : Double.POSITIVE_INFINITY));
    }
    List<String> splits =
        d.path("splits").isArray()
            ? d.path("splits").valueStream().map(JsonNode::asString).toList()
            : List.of("train", "test");
    Map<String, Integer> lines = new LinkedHashMap<>();
    for (String key :
        List.of(
            "gate.data_rules.wasserstein",
            "gate.data_rules.jensen_shannon",
            "gate.data_rules.label",
            "gate.data_rules.dataset_share",
            "data.schema.columns",
            "data.schema.missing_tolerance",
            "data.schema.unseen_share",
            "data.schema.ranges")) {
      int line = loaded.isWritten(key) ? loaded.lineOf(key) : 0;
      if (line == 0 && loaded.isWritten(key.substring(0, key.lastIndexOf('.')))) {
        line = loaded.lineOf(key.substring(0, key.lastIndexOf('.')));
      }
      // Else the section the rule belongs to (gate:, data:), so each annotation has a line.
      String top = key.substring(0, key.indexOf('.'));
      if (line == 0 && loaded.isWritten(top)) {
        line = loaded.lineOf(top);
      }
      lines.put(key, line);
    }
    return new DataGateConfig(
        d.path("enabled").asBoolean(true),
        d.path("wasserstein").asDouble(DEFAULT_WASSERSTEIN),
        d.path("jensen_shannon").asDouble(DEFAULT_JS),
        d.path("label").asBoolean(true),
        d.path("dataset_share").asDouble(DEFAULT_SHARE),
        splits,
        !d.path("severity").asString("fail").equals("warn"),
        !s.path("severity").asString("fail").equals("warn"),
        s.path("missing_tolerance").asDouble(DEFAULT_MISSING),
        s.path("unseen_share").asDouble(DEFAULT_UNSEEN),
        columns,
        ranges,
        lines);
  }
}
