package dev.mlci.core.api;

import dev.mlci.core.errors.MlciException;
import java.util.Objects;

/**
 * A step of mlci as a one-shot command object, as JGit's commands are: built with its context, its
 * plan and its options, run once by {@link #call()}, which returns the step's result record. Every
 * step writes through {@link StepOutput}.
 *
 * @param <R> the step's result
 */
public abstract class Step<R> {
  /** What the step runs with. */
  protected final StepContext context;

  /** The validated ml.yaml and workspace. */
  protected final Plan plan;

  private boolean called;

  protected Step(StepContext context, Plan plan) {
    this.context = Objects.requireNonNull(context, "context");
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  /**
   * Runs the step.
   *
   * @throws IllegalStateException when this step was called before: create a new one
   */
  public final R call() throws MlciException {
    if (called) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " runs once and has run; create a new one");
    }
    called = true;
    return run();
  }

  /** The step's work, run once. */
  protected abstract R run() throws MlciException;
}
