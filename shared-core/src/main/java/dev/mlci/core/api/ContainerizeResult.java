package dev.mlci.core.api;

import dev.mlci.core.image.build.BuiltImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code mlci containerize} produced.
 *
 * @param image the image
 * @param imageDir where its description and deploy manifests were written
 * @param files the files written there
 * @param millis wall time of the step
 */
public record ContainerizeResult(BuiltImage image, Path imageDir, List<String> files, long millis) {
  public ContainerizeResult {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageDir, "imageDir");
    files = List.copyOf(files);
  }

  /**
   * The reference to deploy: pinned by digest for a registry image, the tag for a tarball or a
   * daemon's image (whose digest changes when it is pushed).
   */
  public String deployReference() {
    return ContainerizeStep.deployable(image);
  }
}
