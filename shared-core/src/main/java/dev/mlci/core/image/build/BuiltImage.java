package dev.mlci.core.image.build;

import java.util.List;
import java.util.Objects;

/**
 * An image {@code mlci containerize} built.
 *
 * @param reference the image's name, without digest (e.g. {@code localhost:5000/iris:latest})
 * @param digest the manifest digest, {@code sha256:...}: the same inputs give the same digest
 * @param imageId the container configuration's digest
 * @param target where it went ({@code registry://...}, {@code tar://...}, {@code docker://...})
 * @param layers mlci's layers, in order
 * @param warnings what Jib warned about
 */
public record BuiltImage(
    String reference,
    String digest,
    String imageId,
    String target,
    List<Layer> layers,
    List<String> warnings) {

  /**
   * One of mlci's layers.
   *
   * @param name {@code dependencies}, {@code server} or {@code model}
   * @param files number of files
   * @param bytes their total size, uncompressed
   */
  public record Layer(String name, int files, long bytes) {}

  public BuiltImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(target, "target");
    layers = List.copyOf(layers);
    warnings = List.copyOf(warnings);
  }

  /** The reference pinned by digest, as deploy manifests use it: {@code name@sha256:...}. */
  public String pinned() {
    String name = reference;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      name = name.substring(0, colon);
    }
    return name + "@" + digest;
  }
}
