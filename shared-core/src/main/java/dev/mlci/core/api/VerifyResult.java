package dev.mlci.core.api;

import dev.mlci.core.image.verify.ImageVerifier;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code mlci verify-image} found.
 *
 * @param outcome the checks and what happened to the container
 * @param verifyDir where the report was written
 * @param millis wall time of the step
 */
public record VerifyResult(ImageVerifier.Outcome outcome, Path verifyDir, long millis) {
  public VerifyResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(verifyDir, "verifyDir");
  }

  /** 0 when the image met its contract, 1 when it did not (the build should fail). */
  public int exitCode() {
    return outcome.passed() ? 0 : 1;
  }
}
