package dev.mlci.core.config;

import java.util.Locale;

/** How one data file is divided into a training and a test set. */
public enum SplitStrategy {
  /**
   * A row is in the test set iff a stable hash of its id (or, without an id column, of its content)
   * falls below the test fraction. The same row lands in the same set on every branch and every
   * run, whatever else changes in the file: the paired gate depends on it.
   */
  HASH,
  /** A seeded shuffle of the rows; the first {@code round(n * test_fraction)} are the test set. */
  RANDOM,
  /**
   * A seeded shuffle within each class, so both sets keep the class proportions. Classification
   * only.
   */
  STRATIFIED;

  /** The name used in ml.yaml. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SplitStrategy fromYaml(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
