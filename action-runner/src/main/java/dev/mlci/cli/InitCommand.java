package dev.mlci.cli;

import dev.mlci.core.api.InitOptions;
import dev.mlci.core.api.InitPreview;
import dev.mlci.core.api.InitResult;
import dev.mlci.core.api.InitStep;
import dev.mlci.core.api.StepContext;
import dev.mlci.core.api.StepListener;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Set up a repository for mlci: an ml.yaml drafted from a CSV, the CI workflows and a Jenkinsfile.",
      "",
      "Writes ml.yaml (columns and types from the CSV's header and first 1000 rows: non-numeric"
          + " columns as categories, the task from the target), .github/workflows/ml-pr.yml and"
          + " ml-main.yml, a Jenkinsfile, and the mlci-out/ line of .gitignore. It never overwrites"
          + " a file: when one exists it writes nothing (--force overwrites). Without --target it"
          + " asks on a terminal."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci init --data data/churn.csv --target churned",
      "  mlci init                     the one CSV of the repository; asks for the target"
    })
final class InitCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The repository to set up. Default: the current directory.")
  Path dir;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description = "The CSV to train on, inside DIR. Default: the one .csv file in DIR.")
  Path data;

  @Option(
      names = "--target",
      paramLabel = "COLUMN",
      description = "The column to predict. Default: asked on a terminal.")
  String target;

  @Option(names = "--force", description = "Overwrite ml.yaml, the workflows and the Jenkinsfile.")
  boolean force;

  @Option(
      names = "--json",
      description = "Print a JSON summary on standard output instead of text.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws MlciException {
    PrintWriter out = spec.commandLine().getOut();
    String column = target != null ? target : ask(out);
    InitResult r =
        new InitStep(StepContext.of(StepListener.NONE, Clock.systemUTC(), System.getenv()))
            .call(new InitOptions(dir, Optional.ofNullable(data), column, force));
    if (json) {
      ObjectNode summary = (ObjectNode) CliJson.tree(r);
      summary.put("command", spec.name());
      out.println(summary.toPrettyString());
    } else {
      out.println(
          "init: "
              + r.name()
              + ", "
              + r.task()
              + " of '"
              + r.target()
              + "'"
              + r.id().map(i -> ", id '" + i + "'").orElse("")
              + (r.categorical().isEmpty() ? "" : ", categorical " + r.categorical()));
      r.written().forEach(f -> out.println("  wrote " + f));
      r.notes().forEach(n -> out.println("note: " + n));
    }
    out.flush();
    return 0;
  }

  /** Asks which column to predict, on a terminal; elsewhere names the flag. */
  private String ask(PrintWriter out) throws MlciException {
    InitPreview preview = InitStep.preview(dir, Optional.ofNullable(data));
    Console console = System.console();
    if (console == null || json) {
      throw new BadInputException(
          Problem.in(
              "--target",
              "",
              "init needs the column to predict, and there is no terminal to ask on.",
              "pass --target COLUMN, one of: " + String.join(", ", preview.columns()) + "."));
    }
    out.println("columns of " + preview.data() + ": " + String.join(", ", preview.columns()));
    String suggested = preview.suggestedTarget().orElse("");
    out.print("Which column should the model predict? [" + suggested + "] ");
    out.flush();
    String line = console.readLine();
    if (line == null) {
      throw new BadInputException(
          Problem.in("--target", "", "no column was given.", "pass --target COLUMN."));
    }
    return line.isBlank() ? suggested : line.strip();
  }
}
