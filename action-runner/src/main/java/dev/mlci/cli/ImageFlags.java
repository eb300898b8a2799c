package dev.mlci.cli;

import dev.mlci.core.api.ContainerizeOptions;
import dev.mlci.core.api.ShipOptions;
import dev.mlci.core.api.VerifyImageOptions;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of {@code mlci containerize}, in the shape of jib-cli's. */
final class ImageFlags {
  @Option(
      names = "--base",
      paramLabel = "IMAGE",
      description =
          "The base image: REF or registry://REF, docker://REF, or tar://PATH (a docker-save tarball). It must"
              + " hold Java 17+ with java on the PATH. Default: MLCI_BASE_IMAGE, else "
              + ContainerizeOptions.DEFAULT_BASE
              + ".")
  String base;

  @Option(
      names = "--target",
      paramLabel = "IMAGE",
      required = true,
      description =
          "Where the image goes: registry://REF (credentials: MLCI_REGISTRY_USERNAME/_PASSWORD, docker login,"
              + " credential helpers), tar://PATH, or docker://REF (needs a Docker daemon).")
  String target;

  @Option(
      names = "--name",
      paramLabel = "REF",
      description = "For tar://: the image name inside the tarball. Default: mlci/<model name>.")
  String name;

  @Option(
      names = "--allow-insecure-registries",
      description = "Allow registries over plain HTTP (for loopback test registries only).")
  boolean allowInsecureRegistries;

  @Option(
      names = "--no-verify",
      description =
          "Deliver the image without checking its serving contract first (reported as not verified).")
  boolean noVerify;

  @Option(
      names = "--start-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "How long the server may take to become ready in the check. Default: ${DEFAULT-VALUE}.")
  int startTimeout;

  ShipOptions shipOptions() {
    return shipOptions(
        options(base, target, name, allowInsecureRegistries), noVerify, startTimeout);
  }

  static ShipOptions shipOptions(ContainerizeOptions image, boolean noVerify, int startTimeout) {
    return new ShipOptions(
        image, !noVerify, new VerifyImageOptions(Duration.ofSeconds(Math.max(1, startTimeout))));
  }

  static ContainerizeOptions options(
      String base, String target, String name, boolean allowInsecureRegistries) {
    String chosenBase =
        base != null
            ? base
            : Optional.ofNullable(System.getenv("MLCI_BASE_IMAGE"))
                .filter(s -> !s.isBlank())
                .orElse(ContainerizeOptions.DEFAULT_BASE);
    return new ContainerizeOptions(
        chosenBase, target, Optional.ofNullable(name), allowInsecureRegistries, System.getenv());
  }
}
