package dev.mlci.cli;

import dev.mlci.cli.github.GitHubActionCommand;
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
      GateCommand.class,
      RunCommand.class,
      ContainerizeCommand.class,
      VerifyImageCommand.class,
      BaseImageCommand.class,
      InitCommand.class,
      BaselineCommand.class,
      RegisterCommand.class,
      RunsCommand.class,
      PipelineCommand.class,
      ImageCommand.class,
      TaskCommand.class,
      GitHubActionCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {"Train, evaluate and gate ML models inside a CI build, from one ml.yaml.", ""},
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci run example-repos/breast-cancer   train and evaluate an example",
      "  mlci train . --out build/mlci          train ./ml.yaml's model",
      "  mlci evaluate --json                   score it; metrics as JSON",
      "  mlci gate --target main                compare with main's baseline",
      "  mlci baseline record --push            (main builds) store the baseline",
      "  mlci register --alias champion         (main builds) register in MLflow",
      "  mlci runs                              list and compare the recorded runs",
      "  mlci pipeline kfp --image REF@sha256:… the steps as a Kubeflow pipeline",
      "",
      "Exit codes:",
      "  0  success",
      "  1  the gate failed the build (a regression beyond noise)",
      "  2  usage, config or data error: the message names file, line, fix",
      "  3  internal or environment error (e.g. a full disk)",
      "",
      "Docs: README.md, docs/cli.md, docs/ml-yaml.md; schema/ml.schema.json for completion."
    })
final class MlciCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: train, evaluate, gate, run, baseline, register or runs");
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
