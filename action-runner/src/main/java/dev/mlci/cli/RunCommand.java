package dev.mlci.cli;

import dev.mlci.core.api.ContainerizeOptions;
import dev.mlci.core.api.ContainerizeResult;
import dev.mlci.core.api.Images;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.image.verify.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the steps in order: train, evaluate, gate; with --image-target also containerize and,",
      "when podman or docker is available, verify-image. The image is built only after a passing gate."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci run example-repos/breast-cancer",
      "  mlci run . --json > mlci-summary.json",
      "  mlci run . --image-target registry://ghcr.io/acme/churn:main"
    })
final class RunCommand extends StepCommand {
  @Mixin GateFlags gate;

  @Mixin RunImageFlags image;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException, InterruptedException {
    reportTrain(mlci.train(plan), summary);
    reportEvaluate(mlci.evaluate(plan), summary);
    int exit = reportGate(mlci.gate(plan, gateOptions(gate)), summary);
    if (image.target == null) {
      return exit;
    }
    if (exit != 0) {
      note(summary, "image: not built, the gate failed");
      return exit;
    }
    Images images = images();
    ContainerizeOptions target = image.options();
    boolean engine = ContainerRuntime.detect(System.getenv()).isPresent();
    if (image.noVerify || !engine) {
      reportContainerize(images.containerize(plan, target), summary);
      note(
          summary,
          image.noVerify
              ? "verify-image: skipped (--no-verify-image)"
              : "verify-image: skipped, no container engine (install podman or docker)");
      return 0;
    }
    if (!target.target().startsWith("registry://")) {
      reportContainerize(images.containerize(plan, target), summary);
      return reportVerify(images.verifyImage(plan, System.getenv(), START_TIMEOUT), summary);
    }
    // A registry target: build to a tarball, verify that, and push only a verified image, so a
    // tag never moves to an image that breaks its contract.
    Path candidate = plan.workspace().out().resolve("image-candidate.tar");
    ContainerizeOptions local =
        new ContainerizeOptions(
            target.base(),
            "tar://" + candidate,
            Optional.of(target.target().substring("registry://".length())),
            target.allowInsecureRegistries(),
            target.env());
    ContainerizeResult built = images.containerize(plan, local);
    int verified;
    try {
      verified = reportVerify(images.verifyImage(plan, System.getenv(), START_TIMEOUT), summary);
    } finally {
      try {
        Files.deleteIfExists(candidate);
      } catch (IOException e) {
        note(summary, "could not delete " + candidate + ": " + e.getMessage());
      }
    }
    if (verified != 0) {
      note(summary, "image: not pushed to " + target.target() + ", it failed verify-image");
      return verified;
    }
    ContainerizeResult pushed = images.containerize(plan, target);
    reportContainerize(pushed, summary);
    if (!pushed.image().imageId().equals(built.image().imageId())) {
      throw new EnvironmentException(
          "the pushed image "
              + pushed.image().imageId()
              + " is not the verified one "
              + built.image().imageId()
              + "; the model or the base changed during the run",
          null);
    }
    return 0;
  }

  private void note(ObjectNode summary, String message) {
    summary.withArray("notes").add(message);
    if (!options.json) {
      out().println(message);
      out().flush();
    }
  }
}
