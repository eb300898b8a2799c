package dev.mlci.cli;

import picocli.CommandLine.Option;

/** The options that steer the gate, shared by {@code mlci gate} and {@code mlci run}. */
final class GateFlags {
  @Option(
      names = "--target",
      paramLabel = "BRANCH",
      description =
          "The branch pull requests merge into, whose baseline to compare with. Default: GITHUB_BASE_REF or"
              + " CHANGE_TARGET when set, else gate.target, else main.")
  String target;

  @Option(
      names = "--baseline",
      paramLabel = "FILE|rebuild|models:/NAME@ALIAS",
      description =
          "Compare with a bundle written by 'mlci evaluate' (e.g. a CI artifact), 'rebuild' to train and"
              + " evaluate the merge-base commit now, or a registered MLflow model version"
              + " (models:/NAME@ALIAS or models:/NAME/VERSION; needs MLFLOW_TRACKING_URI)."
              + " Default: the git note of the target branch.")
  String baseline;

  @Option(
      names = "--fail-on-inconclusive",
      description =
          "Fail the build (exit 1) when a rule is INCONCLUSIVE, as gate.inconclusive: fail.")
  boolean failOnInconclusive;

  @Option(
      names = "--no-fetch",
      description =
          "Never fetch from origin (history, target branch, notes); use what the checkout has.")
  boolean noFetch;
}
