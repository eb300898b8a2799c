package dev.mlci.cli;

import dev.mlci.cli.github.GitHubActionCommand;
import dev.mlci.core.api.Mlci;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code mlci <command> [DIR] [--config FILE] [--out DIR]}. */
@Command(
    name = "mlci",
    mixinStandardHelpOptions = true,
    versionProvider = MlciCommand.Version.class,
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
  /**
   * The commands, in the order {@code mlci --help} lists them, each under the name its
   * {@code @Command} gives it (CliTest checks the two agree).
   */
  static final List<Sub> COMMANDS =
      List.of(
          new Sub("train", TrainCommand.class),
          new Sub("evaluate", EvaluateCommand.class),
          new Sub("gate", GateCommand.class),
          new Sub("run", RunCommand.class),
          new Sub("containerize", ContainerizeCommand.class),
          new Sub("verify-image", VerifyImageCommand.class),
          new Sub("base-image", BaseImageCommand.class),
          new Sub("init", InitCommand.class),
          new Sub("baseline", BaselineCommand.class),
          new Sub("register", RegisterCommand.class),
          new Sub("runs", RunsCommand.class),
          new Sub("pipeline", PipelineCommand.class),
          new Sub("image", ImageCommand.class),
          new Sub("task", TaskCommand.class),
          new Sub("github-action", GitHubActionCommand.class),
          new Sub("help", CommandLine.HelpCommand.class));

  /** One command: its name and class. */
  record Sub(String name, Class<?> type) {}

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * The command line for {@code args}, with only the commands it can reach. picocli builds the
   * model of every command it is given (reflection over each command's options and mixins, and
   * loading what their fields name) before it parses anything; that was most of {@code mlci
   * --version}'s start-up. So {@code mlci gate ...} gets the gate command alone, {@code mlci
   * --version} none, and anything else (help, a typo that picocli suggests a command for, no
   * command) all of them: what the user sees is the same.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cli = new CommandLine(new MlciCommand());
    boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    if (versionOnly) {
      return cli;
    }
    String first = args.length == 0 ? "" : args[0];
    for (Sub sub : COMMANDS) {
      if (sub.name().equals(first) && !first.equals("help")) {
        return cli.addSubcommand(sub.name(), sub.type());
      }
    }
    for (Sub sub : COMMANDS) {
      cli.addSubcommand(sub.name(), sub.type());
    }
    return cli;
  }

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
      return lines();
    }

    /** The version lines (also printed by {@link Main}'s fast path for {@code --version}). */
    static String[] lines() {
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
