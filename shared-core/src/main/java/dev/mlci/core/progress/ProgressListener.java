package dev.mlci.core.progress;

/**
 * Receives progress of long work (training iterations, trees, epochs). Faces render it: a bar on a
 * terminal, plain periodic lines in CI logs. Implementations must be cheap; they are called from
 * the training loop's thread.
 */
public interface ProgressListener {

  /** Ignores everything. */
  ProgressListener NONE =
      new ProgressListener() {
        @Override
        public void start(String task, long total, String unit) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}
      };

  /**
   * Work begins.
   *
   * @param task what is being done, e.g. "training logistic"
   * @param total units of work, or -1 when unknown (the renderer shows elapsed time only)
   * @param unit what a unit is, e.g. "iterations", "trees"
   */
  void start(String task, long total, String unit);

  /** {@code done} units of the current task are complete (absolute, not a delta). */
  void advance(long done);

  /** A training metric at a step, e.g. the average loss at an iteration. Default: ignored. */
  default void metric(String name, long step, double value) {}

  /** The current task is complete. */
  void finish();

  /** A one-line status message (e.g. "read 569 rows from data/train.csv"). Default: ignored. */
  default void info(String message) {}
}
