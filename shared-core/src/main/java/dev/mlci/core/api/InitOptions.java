package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci init}.
 *
 * @param dir the repository to write into
 * @param data the CSV; empty: the one CSV below {@code dir}
 * @param target the column to predict
 * @param force overwrite files that exist (without it, init writes nothing when one does)
 */
public record InitOptions(Path dir, Optional<Path> data, String target, boolean force) {
  public InitOptions {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(target, "target");
  }
}
