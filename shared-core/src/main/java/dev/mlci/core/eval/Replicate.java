package dev.mlci.core.eval;

import java.util.Objects;

/**
 * One more training of the same config with another seed ({@code gate.training_noise}), scored on
 * the same test examples as the bundle's own predictions, in the same order and with the same
 * truth.
 *
 * @param seed the {@code model.seed} it was trained with
 * @param predictions its per-example predictions
 */
public record Replicate(long seed, Predictions predictions) {
  public Replicate {
    Objects.requireNonNull(predictions, "predictions");
  }
}
