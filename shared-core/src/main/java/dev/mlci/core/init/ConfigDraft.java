package dev.mlci.core.init;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code ml.yaml} {@code mlci init} writes for a CSV: the task guessed from the target (text or
 * a few whole numbers: classification; other numbers: regression), non-numeric features as
 * categories, an id column when one is named so and unique, a trainer and gate rule per task, and
 * comments where the guess may be wrong.
 *
 * @param name the model's name
 * @param dataPath the CSV, relative to ml.yaml, with {@code /}
 * @param target the column to predict
 * @param classification the guessed task
 * @param classes for classification: the distinct target values seen
 * @param id the id column, if any
 * @param categorical feature columns guessed to hold categories
 * @param maybeCategorical whole-number features with few values (a code or a count: said in a
 *     comment)
 * @param missing whether a feature had missing cells in the sample
 */
public record ConfigDraft(
    String name,
    String dataPath,
    String target,
    boolean classification,
    int classes,
    Optional<String> id,
    List<String> categorical,
    List<String> maybeCategorical,
    boolean missing) {

  /** Most distinct whole numbers a target may have to be taken for classes. */
  static final int MAX_CLASSES = 10;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");

  public ConfigDraft {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataPath, "dataPath");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(id, "id");
    categorical = List.copyOf(categorical);
    maybeCategorical = List.copyOf(maybeCategorical);
  }

  /** The draft for predicting {@code target} from {@code csv}. */
  public static ConfigDraft of(String name, String dataPath, CsvSketch csv, String target) {
    CsvSketch.Column t =
        csv.column(target)
            .orElseThrow(() -> new IllegalArgumentException("no column '" + target + "'"));
    boolean classification = !t.numeric() || (t.integral() && t.distinct().size() <= MAX_CLASSES);
    Optional<String> id = Optional.empty();
    List<String> categorical = new ArrayList<>();
    List<String> maybe = new ArrayList<>();
    boolean missing = false;
    for (CsvSketch.Column c : csv.columns()) {
      if (c.name().equals(target)) {
        continue;
      }
      if (id.isEmpty() && looksLikeId(c)) {
        id = Optional.of(c.name());
        continue;
      }
      missing |= c.missing() > 0;
      if (!c.numeric()) {
        categorical.add(c.name());
      } else if (c.integral() && c.distinct().size() > 2 && c.distinct().size() <= MAX_CLASSES) {
        maybe.add(c.name());
      }
    }
    return new ConfigDraft(
        modelName(name),
        dataPath,
        target,
        classification,
        t.distinct().size(),
        id,
        categorical,
        maybe,
        missing);
  }

  /** {@code dir}'s name as a model name: letters, digits, {@code . _ -}, at most 64. */
  static String modelName(String dir) {
    String n = dir.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    n = n.replaceAll("^[-.]+|[-.]+$", "");
    if (n.length() > 64) {
      n = n.substring(0, 64);
    }
    return NAME.matcher(n).matches() ? n : "model";
  }

  private static boolean looksLikeId(CsvSketch.Column c) {
    String n = c.name().toLowerCase(Locale.ROOT);
    boolean named = n.equals("id") || n.endsWith("_id") || n.endsWith("-id") || n.endsWith(" id");
    return named && c.unique() && c.missing() == 0;
  }

  /** The ml.yaml text. */
  public String yaml() {
    StringBuilder y = new StringBuilder();
    y.append("# Written by mlci init from the header and first rows of ")
        .append(dataPath)
        .append("; check the guesses marked below.\n")
        .append("# Every key: https://github.com/mlci-dev/mlci/blob/main/docs/ml-yaml.md\n")
        .append("version: 1\n")
        .append("name: ")
        .append(name)
        .append('\n')
        .append("task: ")
        .append(classification ? "classification" : "regression")
        .append(
            classification
                ? "   # guessed: the target holds " + classes + " distinct values\n"
                : "   # guessed: the target holds numbers with more than "
                    + MAX_CLASSES
                    + " distinct values\n")
        .append("data:\n")
        .append("  path: ")
        .append(scalar(dataPath))
        .append('\n')
        .append("  target: ")
        .append(scalar(target))
        .append('\n');
    id.ifPresent(
        i ->
            y.append("  id: ")
                .append(scalar(i))
                .append("   # unique per row: keys the predictions and the split\n"));
    if (!categorical.isEmpty()) {
      y.append("  categorical: [")
          .append(String.join(", ", categorical.stream().map(ConfigDraft::scalar).toList()))
          .append("]   # guessed: not numbers\n");
    }
    if (!maybeCategorical.isEmpty()) {
      y.append("  # whole numbers with few values; add them to categorical if they are codes: ")
          .append(String.join(", ", maybeCategorical))
          .append('\n');
    }
    if (missing) {
      y.append("  missing: impute-mean   # the sample has empty or NA cells\n");
    }
    y.append("model:\n");
    if (classification) {
      y.append(
          "  trainer: logistic   # or random-forest, xgboost, mlp, external (your own script)\n");
    } else {
      y.append(
          "  trainer: linear     # or random-forest, xgboost, mlp, external (your own script)\n");
    }
    y.append("  seed: 42\n").append("gate:\n").append("  rules:\n");
    if (classification && classes == 2) {
      y.append("    - metric: roc_auc\n")
          .append("      max_drop: 0.01   # a pull request may cost at most 0.01, beyond noise\n")
          .append("    - metric: accuracy\n")
          .append("      max_drop: 0.02\n");
    } else if (classification) {
      y.append("    - metric: accuracy\n")
          .append("      max_drop: 0.02   # a pull request may cost at most 0.02, beyond noise\n");
    } else {
      y.append("    - metric: rmse\n")
          .append("      max_relative_drop: 0.05   # at most 5% worse, beyond noise\n");
    }
    return y.toString();
  }

  /** A YAML scalar: plain when safe, else double-quoted. */
  static String scalar(String s) {
    if (PLAIN.matcher(s).matches()
        && !List.of("true", "false", "null", "yes", "no", "on", "off", "~")
            .contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
