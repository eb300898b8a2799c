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

  // Faces read the image through the accessors below, which speak only the api's types; image()
  // is the engine's record.

  /** The image's reference as built: {@code registry/name:tag}, or the tarball's image name. */
  public String reference() {
    return image.reference();
  }

  /** The image's manifest digest, {@code sha256:...}. */
  public String digest() {
    return image.digest();
  }

  /** The digest of the image's configuration, which lists every layer's content digest. */
  public String imageId() {
    return image.imageId();
  }

  /** Where the image went, as given ({@code registry://...}, {@code tar://...}). */
  public String target() {
    return image.target();
  }

  /** mlci's layers of the image. */
  public List<ImageLayer> layers() {
    return image.layers().stream()
        .map(l -> new ImageLayer(l.name(), l.files(), l.bytes()))
        .toList();
  }

  /** What the image build warned about. */
  public List<String> warnings() {
    return image.warnings();
  }
}
