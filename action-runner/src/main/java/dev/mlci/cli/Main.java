package dev.mlci.cli;

import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/** The {@code mlci} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Libraries log through java.util.logging (Tribuo) and SLF4J (JGit); only warnings belong on a
    // CLI's stderr.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // MLflow's Java client warns on each of its own retries; mlci reports what finally failed.
    System.setProperty("org.slf4j.simpleLogger.log.org.mlflow", "error");
    Logger.getLogger("").setLevel(Level.WARNING);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs {@code mlci args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, e -> {});
  }

  /**
   * Runs {@code mlci args}; {@code onError} also sees each failure the user can act on (the GitHub
   * Action turns them into annotations).
   */
  public static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      java.util.function.Consumer<MlciException> onError) {
    CommandLine cli = new CommandLine(new MlciCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof MlciException m) {
            onError.accept(m);
            for (String line : m.getMessage().split("\\R")) {
              err.println("error: " + line);
            }
            err.flush();
            if (commandLine.getCommand() instanceof StepCommand step && step.options.json) {
              out.println(ErrorJson.of(commandLine.getCommandName(), m).toPrettyString());
              out.flush();
            }
            return m.exitCode().code();
          }
          if (e instanceof InterruptedException) {
            err.println("interrupted");
            err.flush();
            return 130;
          }
          err.println("internal error: " + e);
          e.printStackTrace(err);
          err.println("This is a bug in mlci; please report it with the lines above.");
          err.flush();
          return ExitCode.INTERNAL_ERROR.code();
        });
    return cli.execute(args);
  }
}
