package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "containerize",
    mixinStandardHelpOptions = true,
    description = {
      "Build a serving image of the trained model with Jib (no Docker daemon needed).",
      "It checks the image's serving contract as verify-image does and delivers it only when it",
      "passes: a registry or daemon image is checked as a tarball first and then pushed (the same",
      "image id); a broken image is never pushed (exit 1). --no-verify delivers it unchecked, and",
      "says so. Without podman or docker a registry target is refused (exit 3); a tarball is",
      "built, not verified.",
      "Layers: dependencies, server, model (a retrained model changes only the last).",
      "The server speaks KServe V2 and MLflow /invocations on port 8080, as a non-root user.",
      "Prints the image digest; writes OUT/image (image.json, image-digest, image-reference)",
      "and deploy manifests pinned by digest (KServe InferenceService, Deployment + Service)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci containerize . --target registry://ghcr.io/acme/churn:pr-42",
      "  mlci containerize . --base tar://jre17.tar --target tar://mlci-out/image.tar",
      "  mlci containerize . --target registry://localhost:5000/churn --allow-insecure-registries"
    })
final class ContainerizeCommand extends StepCommand {
  @Mixin ImageFlags image;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException, InterruptedException {
    return ship(plan, image.shipOptions(), summary);
  }
}
