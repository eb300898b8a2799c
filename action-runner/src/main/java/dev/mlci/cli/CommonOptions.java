package dev.mlci.cli;

import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.BadInputException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every command shares: {@code mlci <command> [DIR] [--config FILE] [--out DIR]}. */
final class CommonOptions {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = ".",
      description =
          "The ML repository (the directory holding ml.yaml). Default: the current directory.")
  Path dir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The config file. Default: DIR/ml.yaml. Relative data paths in it resolve against its folder.")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where outputs go (model/, eval/). Default: DIR/mlci-out.")
  Path out;

  @Option(
      names = "--json",
      description = "Print a JSON summary on standard output instead of text.")
  boolean json;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "How to show progress on standard error: auto (a bar on a terminal, plain lines otherwise), bar, plain,"
              + " none. Default: ${DEFAULT-VALUE}.")
  ProgressMode progress;

  @Option(
      names = {"-q", "--quiet"},
      description =
          "Print only errors, warnings and one result line per step (a gate adds the rules"
              + " that did not pass).")
  boolean quiet;

  Workspace workspace() throws BadInputException {
    return Workspace.of(dir, Optional.ofNullable(config), Optional.ofNullable(out));
  }

  /** How progress is shown. */
  enum ProgressMode {
    auto,
    bar,
    plain,
    none
  }
}
