package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code mlci pipeline} wrote.
 *
 * @param file the pipeline or Job file
 * @param name the pipeline's (or Job's) name
 * @param parameters the pipeline's parameters with their defaults (commit, data digest, ...)
 * @param sha256 the file's SHA-256: the same inputs give the same bytes
 */
public record PipelineResult(
    Path file, String name, Map<String, String> parameters, String sha256) {
  public PipelineResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    Objects.requireNonNull(sha256, "sha256");
  }
}
