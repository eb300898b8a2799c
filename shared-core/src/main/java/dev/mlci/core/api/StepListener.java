package dev.mlci.core.api;

import dev.mlci.core.progress.ProgressListener;

/**
 * What a face implements to follow the steps: progress of long work, training metrics as they come,
 * and messages. The api's name for the engine's {@link ProgressListener}, so that faces depend on
 * {@code dev.mlci.core.api} only.
 */
public interface StepListener extends ProgressListener {
  /** Shows nothing. */
  StepListener NONE =
      new StepListener() {
        @Override
        public void start(String task, long total, String unit) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}
      };
}
