package dev.mlci.core.config;

import java.util.Locale;

/** What to do with a missing value in a feature or target column. */
public enum MissingPolicy {
  /** Stop with an error naming the row and column (the default). */
  ERROR,
  /** Drop the row; the report counts dropped rows. */
  DROP,
  /**
   * Replace a missing numeric value with the training mean and a missing category with the most
   * frequent training category. A missing target is still an error.
   */
  IMPUTE_MEAN;

  /** The name used in ml.yaml. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static MissingPolicy fromYaml(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
