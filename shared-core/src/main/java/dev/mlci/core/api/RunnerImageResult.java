package dev.mlci.core.api;

import java.util.Objects;

/**
 * The runner image built.
 *
 * @param reference where it went
 * @param digest its manifest digest
 * @param pinned the reference pinned by digest, for {@code mlci pipeline --image}
 */
public record RunnerImageResult(String reference, String digest, String pinned) {
  public RunnerImageResult {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(pinned, "pinned");
  }
}
