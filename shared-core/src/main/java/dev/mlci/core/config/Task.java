package dev.mlci.core.config;

import java.util.Locale;

/** What a model predicts. */
public enum Task {
  /** A class label. */
  CLASSIFICATION,
  /** A real number. */
  REGRESSION;

  /** The name used in ml.yaml. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Task fromYaml(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
