package dev.mlci.core.api;

import java.util.Objects;

/**
 * Options of {@link ShipStep}: the image to build and whether to verify it first.
 *
 * @param image what to build and where it goes
 * @param verify whether to check the serving contract before delivering (default true; false is the
 *     explicit opt-out, {@code --no-verify}, and the result says the image was not verified)
 * @param verifyOptions how to run the check (start timeout, container engine)
 */
public record ShipOptions(
    ContainerizeOptions image, boolean verify, VerifyImageOptions verifyOptions) {
  public ShipOptions {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(verifyOptions, "verifyOptions");
  }

  /** Verifies before delivering, with the default start timeout and the image's environment. */
  public static ShipOptions verified(ContainerizeOptions image) {
    return new ShipOptions(image, true, VerifyImageOptions.DEFAULTS);
  }
}
