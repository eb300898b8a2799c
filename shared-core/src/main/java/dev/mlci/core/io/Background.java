package dev.mlci.core.io;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * One piece of work started on a daemon thread of its own, whose outcome a step reads later with
 * {@link #join}: its value, or what it threw, as if the step had done the work itself. A thread of
 * its own, not the common pool: the work may itself use the common pool's parallel streams, which
 * on two cores have one worker besides the caller.
 *
 * @param <T> the work's value
 */
public final class Background<T> {
  private final FutureTask<T> task;
  private final String what;

  private Background(FutureTask<T> task, String what) {
    this.task = task;
    this.what = what;
  }

  /**
   * Starts {@code work} on a daemon thread named {@code thread}; {@code what} says what it does,
   * for the message if the step is interrupted while it waits ("computing the data gate").
   */
  public static <T> Background<T> start(String thread, String what, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(Objects.requireNonNull(work, "work"));
    Thread t = new Thread(task, Objects.requireNonNull(thread, "thread"));
    t.setDaemon(true);
    t.start();
    return new Background<>(task, Objects.requireNonNull(what, "what"));
  }

  /**
   * Waits for the work and returns its value; rethrows what it threw (an {@link MlciException}, a
   * runtime exception or an error, as thrown).
   *
   * @throws EnvironmentException when this thread is interrupted while it waits (the interrupt is
   *     kept), or when the work threw a checked exception that is not an {@link MlciException}
   */
  public T join() throws MlciException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      throw cause(e, MlciException.class, c -> new EnvironmentException(what + " failed: " + c, c));
    }
  }

  /**
   * What the work behind {@code e} threw, for the waiting thread to throw in its place: a runtime
   * exception or an error is thrown from here as thrown, a {@code checked} exception is returned as
   * thrown, anything else is returned as {@code other} makes it.
   */
  public static <X extends Exception> X cause(
      ExecutionException e, Class<X> checked, Function<Throwable, X> other) {
    Throwable cause = e.getCause();
    if (checked.isInstance(cause)) {
      return checked.cast(cause);
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return other.apply(cause);
  }
}
