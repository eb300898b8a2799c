package dev.mlci.core.api;

import dev.mlci.core.image.build.BuiltImage;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ShipStep} did: the image it built, whether it checked it and whether it delivered it.
 *
 * @param target where the image was to go, as given ({@code registry://...}, {@code tar://...})
 * @param built the image that was built (and, when verified, the one that was checked)
 * @param delivered the delivered image and its files in {@code OUT/image}; empty when the image
 *     broke its contract and was therefore not delivered
 * @param verify the contract check; empty when it was skipped
 * @param verification what is known of the image's contract
 * @param skipped why the check was skipped ({@code --no-verify}, no container engine); empty
 *     otherwise
 * @param millis wall time of the step
 */
public record ShipResult(
    String target,
    BuiltImage built,
    Optional<ContainerizeResult> delivered,
    Optional<VerifyResult> verify,
    Verification verification,
    Optional<String> skipped,
    long millis) {

  /** What is known of the image's serving contract. */
  public enum Verification {
    /** Checked and met: the delivered image is the one that was checked. */
    PASSED,
    /** Checked and broken: the image was not delivered. */
    FAILED,
    /** Not checked (see {@link ShipResult#skipped()}): the image was delivered unverified. */
    SKIPPED
  }

  public ShipResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(built, "built");
    Objects.requireNonNull(delivered, "delivered");
    Objects.requireNonNull(verify, "verify");
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(skipped, "skipped");
    if ((verification == Verification.FAILED) == delivered.isPresent()) {
      throw new IllegalArgumentException(
          "an image is delivered exactly when it did not fail its check: " + verification);
    }
    if ((verification == Verification.SKIPPED) != skipped.isPresent()
        || (verification == Verification.SKIPPED) == verify.isPresent()) {
      throw new IllegalArgumentException(
          "a skipped check has a reason and no report, and only a skipped one: " + verification);
    }
  }

  /** 0 when the image was delivered, 1 when it broke its contract (the build should fail). */
  public int exitCode() {
    return verification == Verification.FAILED ? 1 : 0;
  }

  /** Whether the delivered image is the one that was checked and met its contract. */
  public boolean verified() {
    return verification == Verification.PASSED;
  }

  /** Whether the image was delivered to the target. */
  public boolean wasDelivered() {
    return delivered.isPresent();
  }

  /** The id of the image that was built (and, when verified, checked and delivered). */
  public String imageId() {
    return built.imageId();
  }
}
