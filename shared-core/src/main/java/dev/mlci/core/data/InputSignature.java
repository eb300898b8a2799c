package dev.mlci.core.data;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.SplitConfig;
import dev.mlci.core.config.SplitStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything that decides which rows a model is trained and tested on, and how they are read: the
 * files and their digests, the split, the columns and their roles, the missing-value policy. Saved
 * with every model; {@code mlci evaluate} refuses to score a model when the current ml.yaml and
 * data would give a different signature (another split would put training rows into the test set).
 *
 * @param files data files with role, path and digest
 * @param split the split of a single file, or empty for train and test files
 * @param target target column
 * @param id id column, if any
 * @param features feature columns in order
 * @param categorical the categorical ones among them
 * @param missing missing-value policy
 * @param naValues cells that mean "missing"
 * @param positiveClass the configured positive class, if any
 */
public record InputSignature(
    List<DataFile> files,
    Optional<SplitConfig> split,
    String target,
    Optional<String> id,
    List<String> features,
    List<String> categorical,
    MissingPolicy missing,
    List<String> naValues,
    Optional<String> positiveClass) {

  public InputSignature {
    files = List.copyOf(files);
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(id, "id");
    features = List.copyOf(features);
    categorical = List.copyOf(categorical);
    Objects.requireNonNull(missing, "missing");
    naValues = List.copyOf(naValues);
    Objects.requireNonNull(positiveClass, "positiveClass");
  }

  /** The signature of a run of {@code config} on {@code data}. */
  public static InputSignature of(MlConfig config, LoadedData data) {
    DataConfig d = config.data();
    List<String> categorical = new ArrayList<>();
    for (int i = 0; i < data.features().size(); i++) {
      if (data.categorical().get(i)) {
        categorical.add(data.features().get(i));
      }
    }
    return new InputSignature(
        data.files(),
        d.singleFile() ? Optional.of(d.split()) : Optional.empty(),
        d.target(),
        d.id(),
        data.features(),
        categorical,
        d.missing(),
        d.naValues(),
        d.positiveClass());
  }

  /**
   * How {@code now} differs from this signature (the one the model was trained with), one entry per
   * difference: the ml.yaml field (dotted) and a sentence. Empty when they agree.
   */
  public List<Difference> differences(InputSignature now) {
    List<Difference> out = new ArrayList<>();
    if (!files.equals(now.files)) {
      out.add(
          new Difference(
              "data",
              "the data files differ: trained on "
                  + describe(files)
                  + ", now "
                  + describe(now.files)));
    }
    if (!split.equals(now.split)) {
      out.add(
          new Difference(
              "data.split",
              "the split differs: trained with "
                  + describe(split)
                  + ", now "
                  + describe(now.split)));
    }
    compare(out, "data.target", "target", target, now.target);
    compare(out, "data.id", "id column", id.orElse("(none)"), now.id.orElse("(none)"));
    compare(out, "data.features", "features", features, now.features);
    compare(out, "data.categorical", "categorical columns", categorical, now.categorical);
    compare(
        out, "data.missing", "missing-value policy", missing.yamlName(), now.missing.yamlName());
    compare(out, "data.na_values", "na_values", naValues, now.naValues);
    compare(
        out,
        "data.positive_class",
        "positive class",
        positiveClass.orElse("(default)"),
        now.positiveClass.orElse("(default)"));
    return out;
  }

  /** One way a run's inputs differ from a model's. */
  public record Difference(String field, String message) {}

  private static void compare(
      List<Difference> out, String field, String what, Object then, Object now) {
    if (!then.equals(now)) {
      out.add(
          new Difference(field, "the " + what + " differ: trained with " + then + ", now " + now));
    }
  }

  private static String describe(List<DataFile> files) {
    List<String> parts = new ArrayList<>();
    for (DataFile f : files) {
      parts.add(f.role() + " " + f.path() + " (sha256 " + f.sha256().substring(0, 12) + "…)");
    }
    return String.join(", ", parts);
  }

  private static String describe(Optional<SplitConfig> split) {
    return split
        .map(
            s ->
                s.strategy().yamlName()
                    + ", test_fraction "
                    + s.testFraction()
                    + ", seed "
                    + s.seed())
        .orElse("separate train and test files");
  }

  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    ArrayNode fs = root.putArray("files");
    for (DataFile file : files) {
      ObjectNode n = fs.addObject();
      n.put("role", file.role());
      n.put("path", file.path());
      n.put("sha256", file.sha256());
      n.put("rows", file.rows());
    }
    if (split.isPresent()) {
      ObjectNode s = root.putObject("split");
      s.put("strategy", split.get().strategy().yamlName());
      s.put("test_fraction", split.get().testFraction());
      s.put("seed", split.get().seed());
    } else {
      root.putNull("split");
    }
    root.put("target", target);
    if (id.isPresent()) {
      root.put("id", id.get());
    } else {
      root.putNull("id");
    }
    features.forEach(root.putArray("features")::add);
    categorical.forEach(root.putArray("categorical")::add);
    root.put("missing", missing.yamlName());
    naValues.forEach(root.putArray("na_values")::add);
    if (positiveClass.isPresent()) {
      root.put("positive_class", positiveClass.get());
    } else {
      root.putNull("positive_class");
    }
    return root;
  }

  /** Reads {@link #toJson}'s output. */
  public static InputSignature fromJson(JsonNode n) {
    List<DataFile> files = new ArrayList<>();
    for (JsonNode f : n.path("files")) {
      files.add(
          new DataFile(
              f.path("role").asString(),
              f.path("path").asString(),
              f.path("sha256").asString(),
              f.path("rows").asInt()));
    }
    JsonNode s = n.path("split");
    Optional<SplitConfig> split =
        s.isObject()
            ? Optional.of(
                new SplitConfig(
                    s.path("test_fraction").asDouble(),
                    s.path("seed").asLong(),
                    SplitStrategy.valueOf(s.path("strategy").asString().toUpperCase(Locale.ROOT))))
            : Optional.empty();
    return new InputSignature(
        files,
        split,
        n.path("target").asString(),
        optional(n.path("id")),
        strings(n.path("features")),
        strings(n.path("categorical")),
        MissingPolicy.valueOf(
            n.path("missing").asString().toUpperCase(Locale.ROOT).replace('-', '_')),
        strings(n.path("na_values")),
        optional(n.path("positive_class")));
  }

  private static Optional<String> optional(JsonNode n) {
    return n.isString() ? Optional.of(n.asString()) : Optional.empty();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asString()));
    return out;
  }
}
