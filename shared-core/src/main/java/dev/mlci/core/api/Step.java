package dev.mlci.core.api;

import dev.mlci.core.errors.MlciException;
import dev.mlci.core.natives.OnnxRuntimeNatives;
import dev.mlci.core.natives.PytorchLibrary;
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
    // Native libraries mlci.jar does not carry (core/natives): fetched once, before the work
    // starts, so a missing one is one clear error. PyTorch for an mlp (trained, scored or
    // packaged); ONNX Runtime off linux-x64 for an external model (nothing elsewhere).
    String trainer = plan.config().model().trainer();
    if ("mlp".equals(trainer)) {
      PytorchLibrary.prepare(
          context.env(), ContainerizeStep.cacheDir(context.env()), context.progress()::info);
    } else if (plan.config().model().isExternal()) {
      OnnxRuntimeNatives.prepare(
          context.env(), ContainerizeStep.cacheDir(context.env()), context.progress()::info);
    }
    return run();
  }

  /** The step's work, run once. */
  protected abstract R run() throws MlciException;
}
