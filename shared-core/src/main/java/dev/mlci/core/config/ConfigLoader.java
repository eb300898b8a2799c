package dev.mlci.core.config;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Docs;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.io.TextFiles;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates ml.yaml: YAML syntax, then the JSON Schema (types, allowed keys and values,
 * per-trainer parameters), then the rules a schema cannot say well (either {@code path} or {@code
 * train} + {@code test}, and so on). All problems found are reported together, each with its line.
 */
public final class ConfigLoader {
  /** The largest config file read, in bytes ({@value}, 1 MiB): checked before reading. */
  public static final long MAX_BYTES = 1 << 20;

  private final Path repository;

  /**
   * @param repository the ML repository; config paths in messages are shown relative to it
   */
  public ConfigLoader(Path repository) {
    this.repository = repository.toAbsolutePath().normalize();
  }

  /**
   * A small valid config, loaded by {@link #prepare}: the same parse, schema check and binding as a
   * repository's ml.yaml, so every class and the schema they use are ready afterwards.
   */
  private static final String PREPARE_YAML =
      "name: prepare\n"
          + "task: classification\n"
          + "data:\n"
          + "  path: data.csv\n"
          + "  target: label\n"
          + "  split:\n"
          + "    test_fraction: 0.2\n"
          + "model:\n"
          + "  trainer: external\n"
          + "  command: python3 train.py\n";

  /**
   * Loads what the first {@link #load} uses (SnakeYAML, Jackson, the schema, the binding, SHA-256)
   * by loading a small built-in config, e.g. on another thread while the command line is parsed, so
   * that the load of ml.yaml finds its classes initialised. Reads no file and never throws: a
   * problem it meets is the real load's to report.
   *
   * @return whether the built-in config went through every stage (parsed, conforming, bound)
   */
  public static boolean prepare() {
    try {
      Digests.sha256Hex(PREPARE_YAML.getBytes(StandardCharsets.UTF_8));
      YamlDocument doc = YamlDocument.parse("(prepare)", PREPARE_YAML);
      if (SchemaCheck.check(doc).isEmpty() && crossFieldProblems(doc).isEmpty()) {
        bind(doc);
        return true;
      }
      return false;
    } catch (BadInputException | RuntimeException | LinkageError e) {
      // The real load meets the same problem and reports it.
      return false;
    }
  }

  /**
   * Loads {@code file}.
   *
   * @throws BadInputException naming every problem, with line and fix
   */
  public LoadedConfig load(Path file) throws BadInputException {
    Path absolute = file.toAbsolutePath().normalize();
    String display = display(absolute);
    byte[] bytes;
    try {
      dev.mlci.core.io.RegularFiles.require(absolute, display, "");
      // Checked before reading: a huge file is refused without loading it (UTF-8: at most 4 bytes
      // a character, so a file within the character limit is within 4 times as many bytes).
      long size = Files.size(absolute);
      if (size > MAX_BYTES) {
        throw new BadInputException(
            Problem.in(
                display,
                "",
                "the file is "
                    + size
                    + " bytes; the limit for a config file is "
                    + MAX_BYTES
                    + " (1 MiB).",
                Fix.of(
                    "check that {} names ml.yaml; keep data out of the config file.",
                    Option.CONFIG)));
      }
      bytes = Files.readAllBytes(absolute);
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the config file does not exist.",
              Fix.of(
                  "create ml.yaml in the repository (start from "
                      + Docs.EXAMPLE_ML_YAML
                      + "; reference: "
                      + Docs.ML_YAML
                      + "), or pass {}.",
                  Option.CONFIG.is("FILE"))));
    } catch (IOException e) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "cannot read the config file: " + e.getMessage() + ".",
              "check its permissions."));
    }
    String text = TextFiles.decodeUtf8(display, bytes);
    YamlDocument doc = YamlDocument.parse(display, text);
    List<Problem> problems = new ArrayList<>(SchemaCheck.check(doc));
    if (problems.isEmpty()) {
      problems.addAll(crossFieldProblems(doc));
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(problems);
    }
    MlConfig config = bind(doc);
    return new LoadedConfig(config, absolute, display, Digests.sha256Hex(bytes), doc);
  }

  private String display(Path absolute) {
    return absolute.startsWith(repository)
        ? repository.relativize(absolute).toString()
        : absolute.toString();
  }

  /** Rules between fields, checked once the types are right. */
  private static List<Problem> crossFieldProblems(YamlDocument doc) {
    List<Problem> problems = new ArrayList<>();
    JsonNode data = doc.root().path("data");
    boolean path = data.has("path");
    boolean train = data.has("train");
    boolean test = data.has("test");
    if (path && (train || test)) {
      problems.add(
          at(
              doc,
              "/data/" + (train ? "train" : "test"),
              "'path' and '" + (train ? "train" : "test") + "' are both given.",
              "give either 'path' (one file, split by 'split') or 'train' and 'test' (already split)."));
    } else if (!path && !train && !test) {
      problems.add(
          at(
              doc,
              "/data",
              "no data file is given.",
              "add 'path: data/your.csv' (one file, split by 'split') or 'train:' and 'test:' under 'data'."));
    } else if (!path && train != test) {
      String missing = train ? "test" : "train";
      problems.add(
          at(
              doc,
              "/data/" + (train ? "train" : "test"),
              "'" + (train ? "train" : "test") + "' is given without '" + missing + "'.",
              "add '"
                  + missing
                  + ": data/"
                  + missing
                  + ".csv', or use 'path' for one file that mlci splits."));
    }
    if (!path && (train || test) && data.has("split")) {
      problems.add(
          at(
              doc,
              "/data/split",
              "'split' applies only to 'path'; with 'train' and 'test' the data is already split.",
              "remove 'split', or replace 'train' and 'test' by 'path'."));
    }
    String target = data.path("target").asString("");
    String id = data.path("id").asString("");
    if (!id.isEmpty() && id.equals(target)) {
      problems.add(
          at(
              doc,
              "/data/id",
              "the id column is also the target.",
              "use a key column that is not predicted."));
    }
    JsonNode features = data.path("features");
    for (int i = 0; i < features.size(); i++) {
      String f = features.get(i).asString();
      if (f.equals(target)) {
        problems.add(
            at(
                doc,
                "/data/features/" + i,
                "the target '" + target + "' is listed as a feature.",
                "remove it from 'features'."));
      } else if (f.equals(id)) {
        problems.add(
            at(
                doc,
                "/data/features/" + i,
                "the id column '" + id + "' is listed as a feature.",
                "remove it from 'features'; ids are never features."));
      }
    }
    JsonNode categorical = data.path("categorical");
    List<String> featureNames = new ArrayList<>();
    features.forEach(f -> featureNames.add(f.asString()));
    for (int i = 0; i < categorical.size(); i++) {
      String c = categorical.get(i).asString();
      if (c.equals(target)) {
        problems.add(
            at(
                doc,
                "/data/categorical/" + i,
                "the target '" + target + "' is listed as categorical.",
                "remove it: a classification target is always categorical, a regression target always numeric."));
      } else if (c.equals(id)) {
        problems.add(
            at(
                doc,
                "/data/categorical/" + i,
                "the id column '" + id + "' is listed as categorical.",
                "remove it; ids are never features."));
      } else if (!featureNames.isEmpty() && !featureNames.contains(c)) {
        problems.add(
            at(
                doc,
                "/data/categorical/" + i,
                "'" + c + "' is not in 'features'.",
                "add it to 'features', or remove it from 'categorical'."));
      }
    }
    JsonNode rules = doc.root().path("gate").path("rules");
    for (int i = 0; i < rules.size(); i++) {
      JsonNode r = rules.get(i);
      if (!r.has("min") && !r.has("max") && !r.has("max_drop") && !r.has("max_relative_drop")) {
        problems.add(
            at(
                doc,
                "/gate/rules/" + i,
                "the rule for '" + r.path("metric").asString() + "' checks nothing.",
                "add min, max, max_drop or max_relative_drop."));
      }
      if (r.path("test").asString("").equals("mcnemar")
          && !r.path("metric").asString("").equals("accuracy")) {
        problems.add(
            at(
                doc,
                "/gate/rules/" + i + "/test",
                "McNemar's test compares per-example correctness, so it applies to accuracy only.",
                "use 'test: paired-bootstrap' for " + r.path("metric").asString() + "."));
      }
      if (r.has("test") && !r.has("max_drop") && !r.has("max_relative_drop")) {
        problems.add(
            at(
                doc,
                "/gate/rules/" + i + "/test",
                "a test compares with the baseline, but this rule has only absolute bounds.",
                "add max_drop or max_relative_drop, or remove 'test'."));
      }
    }
    String task = doc.root().path("task").asString("");
    if (task.equals("regression")) {
      if (data.has("positive_class")) {
        problems.add(
            at(
                doc,
                "/data/positive_class",
                "'positive_class' applies to classification only.",
                "remove it."));
      }
      if (data.path("split").path("strategy").asString("").equals("stratified")) {
        problems.add(
            at(
                doc,
                "/data/split/strategy",
                "a stratified split needs classes; this is a regression task.",
                "use 'hash' (the default) or 'random'."));
      }
    }
    return problems;
  }

  private static Problem at(YamlDocument doc, String pointer, String message, String fix) {
    YamlDocument.Position pos = doc.valueAt(pointer);
    return Problem.at(
        doc.file(), pos.line(), pos.column(), YamlDocument.displayPath(pointer), message, fix);
  }

  private static MlConfig bind(YamlDocument doc) {
    JsonNode root = doc.root();
    Task task = Task.fromYaml(root.get("task").asString());
    JsonNode d = root.get("data");
    JsonNode s = d.path("split");
    SplitConfig split =
        new SplitConfig(
            s.path("test_fraction").asDouble(SplitConfig.DEFAULT_TEST_FRACTION),
            s.path("seed").asLong(SplitConfig.DEFAULT_SEED),
            s.has("strategy")
                ? SplitStrategy.fromYaml(s.get("strategy").asString())
                : SplitStrategy.HASH);
    DataConfig data =
        new DataConfig(
            text(d, "path"),
            text(d, "train"),
            text(d, "test"),
            d.get("target").asString(),
            d.has("features") ? Optional.of(strings(d.get("features"))) : Optional.empty(),
            text(d, "id"),
            d.has("categorical") ? strings(d.get("categorical")) : List.of(),
            d.has("missing")
                ? MissingPolicy.fromYaml(d.get("missing").asString())
                : MissingPolicy.ERROR,
            d.has("na_values") ? strings(d.get("na_values")) : DataConfig.DEFAULT_NA_VALUES,
            text(d, "positive_class"),
            split);
    JsonNode m = root.get("model");
    String trainer = m.get("trainer").asString();
    ModelConfig model =
        new ModelConfig(
            trainer,
            params(task, trainer, m.path("params")),
            m.path("seed").asLong(ModelConfig.DEFAULT_SEED),
            m.has("standardize") ? Optional.of(m.get("standardize").asBoolean()) : Optional.empty(),
            text(m, "command"),
            m.has("timeout") ? duration(m.get("timeout").asString()) : ModelConfig.DEFAULT_TIMEOUT);
    List<String> metrics =
        root.has("metrics")
            ? strings(root.get("metrics"))
            : Metric.of(task).stream().map(Metric::id).toList();
    return new MlConfig(
        MlConfig.CURRENT_VERSION,
        root.get("name").asString(),
        task,
        data,
        model,
        metrics,
        gate(root.path("gate"), doc),
        tracking(root.path("tracking")));
  }

  private static TrackingConfig tracking(JsonNode t) {
    return new TrackingConfig(
        text(t, "uri"), text(t, "experiment"), t.path("required").asBoolean(false));
  }

  private static GateConfig gate(JsonNode g, YamlDocument doc) {
    if (g.isMissingNode()) {
      return GateConfig.defaults();
    }
    List<GateRule> rules = new ArrayList<>();
    JsonNode rs = g.path("rules");
    for (int i = 0; i < rs.size(); i++) {
      JsonNode r = rs.get(i);
      rules.add(
          new GateRule(
              r.get("metric").asString(),
              real(r, "min"),
              real(r, "max"),
              real(r, "max_drop"),
              real(r, "max_relative_drop"),
              r.has("higher_is_better")
                  ? Optional.of(r.get("higher_is_better").asBoolean())
                  : Optional.empty(),
              r.has("test")
                  ? GateRule.Test.fromYaml(r.get("test").asString())
                  : GateRule.Test.PAIRED_BOOTSTRAP,
              real(r, "confidence"),
              i,
              doc.valueAt("/gate/rules/" + i).line(),
              r.path("strict").asBoolean(false)));
    }
    List<GateConfig.Acceptance> accept = new ArrayList<>();
    for (JsonNode a : g.path("accept")) {
      accept.add(
          new GateConfig.Acceptance(
              a.get("metric").asString(),
              a.get("baseline").asString(),
              a.get("reason").asString()));
    }
    return new GateConfig(
        text(g, "target"),
        g.has("on_missing")
            ? GateConfig.OnMissing.valueOf(g.get("on_missing").asString().toUpperCase(Locale.ROOT))
            : GateConfig.OnMissing.PASS,
        g.path("inconclusive").asString("warn").equals("fail")
            ? GateConfig.Inconclusive.FAIL
            : GateConfig.Inconclusive.WARN,
        g.path("confidence").asDouble(GateConfig.DEFAULT_CONFIDENCE),
        g.path("resamples").asInt(GateConfig.DEFAULT_RESAMPLES),
        g.path("seed").asLong(GateConfig.DEFAULT_SEED),
        g.path("max_commits").asInt(GateConfig.DEFAULT_MAX_COMMITS),
        rules,
        accept,
        g.path("changed_test_set").asString("inconclusive").equals("unpaired")
            ? GateConfig.ChangedTestSet.UNPAIRED
            : GateConfig.ChangedTestSet.INCONCLUSIVE,
        g.path("training_noise").path("seeds").asInt(1));
  }

  private static OptionalDouble real(JsonNode node, String field) {
    return node.has(field) ? OptionalDouble.of(node.get(field).asDouble()) : OptionalDouble.empty();
  }

  /** The given parameters, plus the declared default of every parameter not given. */
  private static Map<String, Object> params(Task task, String trainer, JsonNode given) {
    Map<String, Object> params = new LinkedHashMap<>();
    if (trainer.equals(ModelConfig.EXTERNAL)) {
      // Passed through to the command as written: mlci declares none of them.
      for (String name : given.propertyNames()) {
        params.put(name, toJava(given.get(name)));
      }
      return params;
    }
    JsonNode declared = SchemaCheck.declaredParams(task, trainer).orElseThrow();
    for (String name : declared.propertyNames()) {
      JsonNode value = given.has(name) ? given.get(name) : declared.get(name).get("default");
      if (value != null && !value.isNull()) {
        params.put(name, toJava(value));
      }
    }
    return params;
  }

  /** {@code 90s}, {@code 30m}, {@code 2h} (the schema holds the form). */
  private static Duration duration(String text) {
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static Object toJava(JsonNode value) {
    if (value.isArray()) {
      List<Object> items = new ArrayList<>();
      value.forEach(v -> items.add(toJava(v)));
      return List.copyOf(items);
    }
    if (value.isObject()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      value.propertyNames().forEach(n -> fields.put(n, toJava(value.get(n))));
      return Collections.unmodifiableMap(fields);
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asString();
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.has(field) ? Optional.of(node.get(field).asString()) : Optional.empty();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
