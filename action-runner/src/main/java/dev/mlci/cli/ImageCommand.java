package dev.mlci.cli;

import dev.mlci.core.api.RunnerImageOptions;
import dev.mlci.core.api.RunnerImageResult;
import dev.mlci.core.api.RunnerImageStep;
import dev.mlci.core.api.StepContext;
import dev.mlci.core.api.StepListener;
import dev.mlci.core.errors.MlciException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlci image cli}: the runner image. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = "Build images of mlci itself: cli, the runner image pipelines run.",
    subcommands = {ImageCommand.Cli.class})
final class ImageCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name the image: cli");
  }

  @Command(
      name = "cli",
      mixinStandardHelpOptions = true,
      description = {
        "Build the runner image: this mlci's CLI jar on a Java base, with Jib (no daemon).",
        "A container runs: java -jar /app/mlci.jar <command> (train, evaluate, gate, task ...)."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  mlci image cli --base eclipse-temurin:17-jre --target registry://ghcr.io/acme/mlci-runner:1",
        "  mlci image cli --base tar://jre.tar --target tar://runner.tar"
      })
  static final class Cli implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--base",
        paramLabel = "IMAGE",
        defaultValue = "eclipse-temurin:17-jre",
        description =
            "Base image with Java 17+ (registry REF or tar://PATH). Default: ${DEFAULT-VALUE}.")
    String base;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "IMAGE",
        description = "registry://REF or tar://PATH.")
    String target;

    @Option(names = "--name", paramLabel = "REF", description = "The image's name in a tarball.")
    String name;

    @Option(
        names = "--user",
        paramLabel = "UID:GID",
        defaultValue = "65532:65532",
        description = "The user the image runs as. Default: ${DEFAULT-VALUE} (non-root).")
    String user;

    @Option(names = "--jar", paramLabel = "FILE", description = "The CLI jar. Default: this one.")
    Path jar;

    @Option(names = "--allow-insecure-registries", description = "Allow plain-HTTP registries.")
    boolean insecure;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws MlciException, InterruptedException {
      Path self = jar != null ? jar : ownJar();
      RunnerImageResult r =
          new RunnerImageStep(
                  StepContext.of(StepListener.NONE, Clock.systemUTC(), System.getenv()),
                  new RunnerImageOptions(
                      self,
                      base,
                      target,
                      Optional.ofNullable(name),
                      user,
                      insecure,
                      System.getenv()))
              .call();
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(CliJson.tree(r).toPrettyString());
      } else {
        out.println("runner image: " + r.reference() + " (" + r.digest() + ")");
        out.println("pinned:       " + r.pinned());
      }
      out.flush();
      return 0;
    }

    private Path ownJar() {
      try {
        Path p =
            Path.of(ImageCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(p)) {
          return p;
        }
      } catch (Exception e) {
        // fall through to the message
      }
      throw new CommandLine.ParameterException(
          spec.commandLine(), "this mlci does not run from its jar; pass --jar FILE (mlci.jar)");
    }
  }
}
