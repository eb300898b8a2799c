package dev.mlci.core.errors;

/**
 * Links to mlci's own documentation, for messages and reports: a user's repository holds none of
 * mlci's files, so they point at the published ones. {@code DocLinksTest} checks that each resolves
 * to a file and heading of this repository.
 */
public final class Docs {
  /** Where this repository's files are published. */
  public static final String BASE = "https://github.com/mlci-dev/mlci/blob/main/";

  /** The {@code ml.yaml} reference. */
  public static final String ML_YAML = BASE + "docs/ml-yaml.md";

  /** A complete {@code ml.yaml} to start from. */
  public static final String EXAMPLE_ML_YAML = BASE + "example-repos/breast-cancer/ml.yaml";

  /** How to read the gate's reports. */
  public static final String GATE_REPORTS = BASE + "docs/gate.md#reports";

  private Docs() {}
}
