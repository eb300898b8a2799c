package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.image.build.ImageLocation;
import dev.mlci.core.pipeline.RunnerImage;
import dev.mlci.format.ModelFormat;
import java.util.Objects;

/** Builds the runner image ({@link RunnerImage}) with Jib: no daemon, reproducible. */
public final class RunnerImageStep {
  private final StepContext context;
  private final RunnerImageOptions options;

  public RunnerImageStep(StepContext context, RunnerImageOptions options) {
    this.context = Objects.requireNonNull(context, "context");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Builds and delivers the image. */
  public RunnerImageResult call() throws MlciException, InterruptedException {
    ImageLocation base = location(options.base(), true, "--base");
    ImageLocation target = location(options.target(), false, "--target");
    if (target instanceof ImageLocation.Docker || base instanceof ImageLocation.Docker) {
      throw new BadInputException(
          Problem.in(
              target instanceof ImageLocation.Docker ? "--target" : "--base",
              "",
              "the runner image is built without a daemon.",
              "use registry://REF or tar://PATH (podman load -i PATH loads a tarball)."));
    }
    if (!java.nio.file.Files.isRegularFile(options.jar())) {
      throw new BadInputException(
          Problem.in(
              "--jar",
              "",
              options.jar() + " is not a file; the runner image holds mlci's runnable jar.",
              "give the path of mlci.jar (the CLI's jar)."));
    }
    context.progress().info("building the runner image (" + target + ")");
    try {
      RunnerImage.Built b =
          RunnerImage.build(
              new RunnerImage.Build(
                  options.jar(),
                  base,
                  target,
                  options.name(),
                  options.user(),
                  options.allowInsecureRegistries(),
                  ContainerizeStep.cacheDir(options.env()),
                  options.env()),
              ModelFormat.mlciVersion());
      return new RunnerImageResult(b.reference(), b.digest(), b.pinned());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause =
          e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
              ? e.getCause()
              : e;
      throw new EnvironmentException(
          "cannot build the runner image: "
              + cause.getClass().getSimpleName()
              + ": "
              + cause.getMessage(),
          e);
    }
  }

  private static ImageLocation location(String spec, boolean bareIsRegistry, String flag)
      throws BadInputException {
    try {
      return ImageLocation.parse(spec, bareIsRegistry);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(Problem.in(flag, "", e.getMessage() + ".", "fix " + flag + "."));
    }
  }
}
