package dev.mlci.core.api;

import java.util.Objects;

/**
 * One of the layers mlci puts into a serving image, as faces report it.
 *
 * @param name {@code dependencies}, {@code server} or {@code model}
 * @param files number of files
 * @param bytes their total size, uncompressed
 */
public record ImageLayer(String name, int files, long bytes) {
  public ImageLayer {
    Objects.requireNonNull(name, "name");
  }
}
