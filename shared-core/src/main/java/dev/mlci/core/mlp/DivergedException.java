package dev.mlci.core.mlp;

/**
 * The mlp's training loss became infinite or NaN: the learning rate is too large for the data. The
 * training step turns it into a config error that points at {@code model.params.learning_rate}.
 */
public final class DivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;

  DivergedException(int epoch, double loss) {
    super("the training loss is " + loss + " at epoch " + epoch);
    this.epoch = epoch;
  }

  /** The epoch at which the loss stopped being finite (1-based). */
  public int epoch() {
    return epoch;
  }
}
