package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.image.build.BaseImageBuilder;
import dev.mlci.core.image.build.ImageBuilder;
import dev.mlci.core.image.build.ImageLocation;
import java.util.Objects;

/**
 * {@code mlci base-image}: builds a minimal Java runtime base image for {@code mlci containerize}
 * offline and reproducibly (a jlink'd runtime of the running JDK, the system libraries the model
 * server's native libraries need, {@code /tmp} with mode 1777, a non-root user), into a tarball or
 * a registry. Needs no ml.yaml; one-shot, as the other steps.
 */
public final class BaseImageStep {
  private final StepContext context;
  private boolean called;

  public BaseImageStep(StepContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Builds the base.
   *
   * @throws BadInputException for a target that is not {@code tar://} or {@code registry://}
   * @throws EnvironmentException when the machine lacks jlink or ldd, or the registry fails
   * @throws IllegalStateException when called before: create a new one
   */
  public BaseImageResult call(BaseImageOptions options) throws MlciException, InterruptedException {
    if (called) {
      throw new IllegalStateException("BaseImageStep runs once and has run; create a new one");
    }
    called = true;
    ImageLocation target;
    try {
      target = ImageLocation.parse(options.target(), false);
    } catch (IllegalArgumentException e) {
      throw badTarget(e.getMessage() + ".");
    }
    if (target instanceof ImageLocation.Docker) {
      throw badTarget(
          "'"
              + options.target()
              + "' names a Docker daemon; a base image goes to a tarball or a registry.");
    }
    String name =
        options
            .name()
            .orElse(
                BaseImageOptions.DEFAULT_NAME
                    + ":"
                    + Runtime.version().toString().replace('+', '_'));
    BaseImageBuilder.Built built;
    try {
      built =
          BaseImageBuilder.build(
              new BaseImageBuilder.Request(
                  target,
                  name,
                  options.allowInsecureRegistries(),
                  ContainerizeStep.cacheDir(options.env()),
                  options.env()),
              context.progress());
    } catch (ImageBuilder.BuildException e) {
      if (e.environment()) {
        throw new EnvironmentException(e.lead(), e.fix(), e);
      }
      throw new BadInputException(
          Problem.in(
              Option.IMAGE_NAME.flag(),
              "",
              e.getMessage() + ".",
              Fix.of("set {} to a name like mlci/java-base:17.", Option.IMAGE_NAME)));
    }
    return new BaseImageResult(
        target.toString(),
        built.reference(),
        built.digest(),
        built.javaVersion(),
        built.layers().stream().map(l -> new ImageLayer(l.name(), l.files(), l.bytes())).toList(),
        built.systemLibraries(),
        built.warnings());
  }

  private static BadInputException badTarget(String message) {
    return new BadInputException(
        Problem.in(
            Option.IMAGE_TARGET.flag(),
            "",
            message,
            Fix.of(
                "pass {} or {}.",
                Option.IMAGE_TARGET.is("tar://PATH"),
                Option.IMAGE_TARGET.is("registry://HOST/REPO:TAG"))));
  }
}
