package dev.mlci.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code data} section of ml.yaml: which files, which columns, how to split and what to do with
 * gaps.
 *
 * <p>Exactly one of {@code path} or the pair {@code train} + {@code test} is present (the loader
 * checks it).
 *
 * @param path one CSV file to be split, relative to the config file's folder
 * @param train training CSV file (with {@code test}, instead of {@code path})
 * @param test held-out CSV file (with {@code train})
 * @param target the column to predict
 * @param features feature columns; empty means every column except target and id
 * @param id optional key column
 * @param categorical feature columns holding categories (one-hot encoded)
 * @param missing what to do with missing values; default {@link MissingPolicy#ERROR}
 * @param naValues cell values that mean "missing"; default {@link #DEFAULT_NA_VALUES}
 * @param positiveClass binary classification: the class ROC AUC treats as positive
 * @param split how {@code path} is split
 */
public record DataConfig(
    Optional<String> path,
    Optional<String> train,
    Optional<String> test,
    String target,
    Optional<List<String>> features,
    Optional<String> id,
    List<String> categorical,
    MissingPolicy missing,
    List<String> naValues,
    Optional<String> positiveClass,
    SplitConfig split) {

  /** Cells that mean "missing" unless ml.yaml says otherwise: the empty cell and {@code NA}. */
  public static final List<String> DEFAULT_NA_VALUES = List.of("", "NA");

  public DataConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(target, "target");
    features = features.map(List::copyOf);
    Objects.requireNonNull(id, "id");
    categorical = List.copyOf(categorical);
    Objects.requireNonNull(missing, "missing");
    naValues = List.copyOf(naValues);
    Objects.requireNonNull(positiveClass, "positiveClass");
    Objects.requireNonNull(split, "split");
    if (path.isPresent() == (train.isPresent() || test.isPresent())
        || train.isPresent() != test.isPresent()) {
      throw new IllegalArgumentException(
          "give either path or both train and test; got path="
              + path
              + " train="
              + train
              + " test="
              + test);
    }
  }

  /** Whether the data comes as one file to split (true) or as separate train and test files. */
  public boolean singleFile() {
    return path.isPresent();
  }
}
