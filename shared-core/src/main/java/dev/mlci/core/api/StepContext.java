package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.io.Retry;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.core.tracking.Tracking;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What every step is run with: where progress goes, the clock {@code run.json} and tracked runs are
 * timed by, the environment (the MLflow server and its credentials, the CI's variables), and
 * whether the step's run is tracked at all (a baseline rebuild is nobody's run).
 *
 * @param progress receives progress of long work
 * @param clock times recorded in {@code run.json} and in tracked runs
 * @param env the environment: {@code MLFLOW_*} and the CI's variables (branch, pull request, build
 *     URL) for tracked runs
 * @param track whether steps record their runs (locally, and in MLflow when configured)
 */
public record StepContext(
    ProgressListener progress, Clock clock, Map<String, String> env, boolean track) {
  public StepContext {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(clock, "clock");
    env = Map.copyOf(env);
  }

  /** A context that tracks, with {@code env}. */
  public static StepContext of(ProgressListener progress, Clock clock, Map<String, String> env) {
    return new StepContext(progress, clock, env, true);
  }

  /** The same context with tracking off and no environment: for a baseline rebuild. */
  public StepContext untracked() {
    return new StepContext(progress, clock, Map.of(), false);
  }

  /** Tracking for {@code plan}'s model: the local record, and MLflow when configured. */
  public Tracking tracking(Plan plan) throws BadInputException {
    if (!track) {
      return Tracking.off(plan.workspace().out());
    }
    return Tracking.open(
        plan.config().tracking(), plan.config().name(), plan.workspace().out(), env, Retry.DEFAULT);
  }
}
