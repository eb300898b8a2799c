package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code mlci <command> [DIR] [--config FILE] [--out DIR]}. */
@Command(
    name = "mlci",
    mixinStandardHelpOptions = true,
    versionProvider = MlciCommand.Version.class,
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      RunCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Train, evaluate and (soon) gate and containerize ML models inside a CI build, from one ml.yaml.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci run example-repos/breast-cancer      train and evaluate the example",
      "  mlci train . --out build/mlci             train the model of ./ml.yaml into build/mlci/model",
      "  mlci evaluate --json                      score the trained model, print metrics as JSON",
      "",
      "Exit codes:",
      "  0  success",
      "  1  the gate found a regression (reserved for 'mlci gate')",
      "  2  usage, configuration or data error: the message names the file, line and fix",
      "  3  internal or environment error (e.g. a disk that is full); please report bugs",
      "",
      "Docs: README.md (ml.yaml reference), schema/ml.schema.json (editor completion)."
    })
final class MlciCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: train, evaluate or run");
  }

  /** Prints mlci's version and the versions of what it runs on. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "mlci " + Mlci.version(),
        "Tribuo " + Mlci.tribuoVersion(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")",
        "OS " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
      };
    }
  }
}
