package dev.mlci.cli;

import dev.mlci.cli.github.ActionSuggestions;
import dev.mlci.cli.github.GitHubActionCommand;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Secrets;
import dev.mlci.core.errors.Suggestions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The {@code mlci} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // What picocli prints for --version (CliTest compares the two), without building picocli's
      // model or setting up logging: most of what this JVM would otherwise do before exiting.
      System.out.print(versionText());
      System.out.flush();
      System.exit(0);
    }
    // Libraries log through java.util.logging (Tribuo) and SLF4J (JGit); only warnings belong on a
    // CLI's stderr.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // ml.yaml's parser, Jackson and the schema (for gate, also the report's chart library)
    // initialised on the other core while logging is set up and picocli builds its model: the
    // first step (a trainer: external command, the gate's work) starts sooner.
    step(args, System.getenv()).ifPresent(Mlci::prepareInBackground);
    Logger.getLogger("").setLevel(Level.WARNING);
    // SLF4J is initialised here, before any step starts a thread that logs through it (JGit's
    // git lookup, the external trainer's helpers): two threads meeting its first use at once made
    // it
    // print "A number (N) of logging calls during the initialization phase have been intercepted"
    // on stderr (mlci run with trainer: external, 4 runs of 6 before this).
    LoggerFactory.getILoggerFactory();
    PrintWriter err = new PrintWriter(System.err, true);
    Face.unknown(System.getenv()).ifPresent(w -> err.println("warning: " + w));
    System.exit(
        run(
            args,
            new PrintWriter(System.out, true),
            err,
            Face.of(System.getenv()).suggestions(),
            e -> {}));
  }

  /**
   * The step {@code args} will run: the command's name ({@code gate}, ...; for the GitHub Action's
   * {@code github-action}, its {@code INPUT_COMMAND}), or empty when the first argument is an
   * option.
   */
  static Optional<String> step(String[] args, Map<String, String> env) {
    if (args.length == 0 || args[0].startsWith("-")) {
      return Optional.empty();
    }
    if (args[0].equals("github-action")) {
      return Optional.ofNullable(env.get("INPUT_COMMAND")).map(String::strip);
    }
    return Optional.of(args[0]);
  }

  /** The lines of {@code mlci --version}, each ended by the platform's line separator. */
  static String versionText() {
    StringBuilder sb = new StringBuilder();
    for (String line : MlciCommand.Version.lines()) {
      sb.append(line).append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** Runs {@code mlci args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, e -> {});
  }

  /** As {@link #run(String[], PrintWriter, PrintWriter, Suggestions, Consumer)} for the CLI. */
  public static int run(
      String[] args, PrintWriter out, PrintWriter err, Consumer<MlciException> onError) {
    return run(args, out, err, Suggestions.CLI, onError);
  }

  /**
   * Runs {@code mlci args}; failures read in the terms of the face {@code suggestions} phrases for
   * (the flag, the Jenkins step, the action input); {@code onError} also sees each failure the user
   * can act on (the GitHub Action turns them into annotations).
   */
  public static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Suggestions suggestions,
      Consumer<MlciException> onError) {
    // Whatever mlci or a library prints, credentials in URLs never reach the log.
    PrintWriter safeOut = new PrintWriter(Secrets.redacting(out), true);
    PrintWriter safeErr = new PrintWriter(Secrets.redacting(err), true);
    try {
      return execute(args, safeOut, safeErr, suggestions, onError);
    } finally {
      safeOut.flush();
      safeErr.flush();
    }
  }

  private static int execute(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Suggestions face,
      Consumer<MlciException> onError) {
    CommandLine cli = MlciCommand.commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof MlciException m) {
            onError.accept(m);
            // The action's adapter speaks for the action whoever started the jar.
            Suggestions suggestions =
                commandLine.getCommand() instanceof GitHubActionCommand
                    ? ActionSuggestions.INSTANCE
                    : face;
            for (String line : m.message(suggestions).split("\\R")) {
              err.println("error: " + line);
            }
            err.flush();
            if (commandLine.getCommand() instanceof StepCommand step && step.options.json) {
              out.println(
                  ErrorJson.of(commandLine.getCommandName(), m, suggestions).toPrettyString());
              out.flush();
            }
            return m.exitCode().code();
          }
          if (e instanceof InterruptedException) {
            err.println("interrupted");
            err.flush();
            return 130;
          }
          err.println("internal error: " + Secrets.redact(String.valueOf(e)));
          e.printStackTrace(err);
          err.println("This is a bug in mlci; please report it with the lines above.");
          err.flush();
          return ExitCode.INTERNAL_ERROR.code();
        });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      // Exit 1 would read as "the gate failed"; running out of memory is the environment's (3).
      err.println("error: " + OutOfMemory.message("finish '" + commandName(args) + "'"));
      err.flush();
      return ExitCode.INTERNAL_ERROR.code();
    } catch (StackOverflowError e) {
      err.println(
          "error: the input nests too deeply for mlci's stack ("
              + e
              + "); give the JVM more with "
              + OutOfMemory.JAVA_OPTS
              + "=-Xss8m, or simplify the input.");
      err.flush();
      return ExitCode.INTERNAL_ERROR.code();
    } catch (Error e) {
      // A native library that does not load, a broken installation: never exit 1, which means a
      // verdict.
      err.println("internal error: " + Secrets.redact(String.valueOf(e)));
      e.printStackTrace(err);
      err.println(
          "This is a bug in mlci or a broken installation; please report it with the lines above.");
      err.flush();
      return ExitCode.INTERNAL_ERROR.code();
    }
  }

  private static String commandName(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return "mlci " + a;
      }
    }
    return "mlci";
  }
}
