package dev.mlci.cli;

import dev.mlci.core.api.ShipOptions;
import dev.mlci.core.api.VerifyImageOptions;
import picocli.CommandLine.Option;

/**
 * The image options of {@code mlci run}: as {@code mlci containerize}'s with an {@code --image-}
 * prefix, since {@code --target} there names the gate's branch.
 */
final class RunImageFlags {
  @Option(
      names = "--image-target",
      paramLabel = "IMAGE",
      description =
          "Also ship the serving image after a passing gate (registry://REF, tar://PATH, docker://REF),"
              + " as containerize does: built, verified, delivered only when it passes. Default: no image.")
  String target;

  @Option(
      names = "--image-base",
      paramLabel = "IMAGE",
      description = "The base image, as containerize --base.")
  String base;

  @Option(
      names = "--image-name",
      paramLabel = "REF",
      description = "For tar://: the image name inside the tarball, as containerize --name.")
  String name;

  @Option(
      names = "--allow-insecure-registries",
      description = "Allow registries over plain HTTP (for loopback test registries only).")
  boolean allowInsecureRegistries;

  @Option(
      names = {"--no-verify", "--no-verify-image"},
      description =
          "Deliver the image without checking its serving contract (reported as not verified).")
  boolean noVerify;

  ShipOptions shipOptions() {
    return ImageFlags.shipOptions(
        ImageFlags.options(base, target, name, allowInsecureRegistries),
        noVerify,
        (int) VerifyImageOptions.DEFAULT_START_TIMEOUT.toSeconds());
  }
}
