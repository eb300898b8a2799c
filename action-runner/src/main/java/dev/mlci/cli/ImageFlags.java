package dev.mlci.cli;

import dev.mlci.core.api.ContainerizeOptions;
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

  ContainerizeOptions options() {
    return options(base, target, name, allowInsecureRegistries);
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
