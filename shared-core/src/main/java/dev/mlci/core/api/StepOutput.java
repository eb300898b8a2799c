package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.io.Json;
import dev.mlci.core.io.OutputDirectory;
import dev.mlci.core.tracking.LocalRunStore;
import dev.mlci.core.tracking.RunData;
import dev.mlci.core.tracking.StepRecords;
import dev.mlci.core.tracking.Tracked;
import dev.mlci.core.tracking.Tracking;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The skeleton every step runs through, written once: the step's claim on its outputs under {@code
 * --out}, the atomic write of each output directory with its {@code run.json}, the tracked run, and
 * the one mapping of what can go wrong to an exit code.
 *
 * <ol>
 *   <li>{@link #claim} (or {@link #claimUntracked}) before any work: a file or folder in the way
 *       that mlci did not write is refused with exit 2 ({@link OutputDirectory#requireOwned}).
 *   <li>{@link #write} stages a directory in a hidden sibling, adds {@code run.json} (what ran,
 *       when, how long, with which mlci) and swaps it in whole: a failure part-way leaves the
 *       previous result and no partial files.
 *   <li>{@link #track} records the step in the model's run (the local record, MLflow when
 *       configured), after the files are in place: tracking never costs a step its results.
 *   <li>{@link #failure} maps every exception a step's work can throw to the exit code of the
 *       project's contract: 2 for the user's input (including an output folder mlci did not write),
 *       3 for the environment (I/O, memory). Steps never map exceptions themselves.
 * </ol>
 */
public final class StepOutput {
  /** The file each output directory gets: {@value ModelFormat#RUN_INFO}. */
  public static final String RUN_INFO = ModelFormat.RUN_INFO;

  /** Writes the content of a staged output directory. */
  @FunctionalInterface
  public interface Contents {
    /**
     * Writes the files into {@code staging}, which replaces the output directory when this returns.
     */
    void write(Path staging) throws IOException, MlciException;
  }

  private final StepContext context;
  private final String step;
  private final Workspace workspace;
  private final Instant started;

  private StepOutput(StepContext context, String step, Workspace workspace) {
    this.context = Objects.requireNonNull(context, "context");
    this.step = Objects.requireNonNull(step, "step");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.started = context.clock().instant();
  }

  /**
   * Starts {@code step}, a tracked step: refuses (exit 2) when any of {@code names} under {@code
   * --out}, or the run record every tracked step keeps ({@code tracking.json}, the local runs), is
   * in the way as something mlci did not write. Writes nothing.
   */
  public static StepOutput claim(
      StepContext context, String step, Workspace workspace, String... names)
      throws BadInputException {
    List<String> all = new ArrayList<>(List.of(names));
    all.add(Tracking.STATE_FILE);
    all.add(LocalRunStore.DIR);
    OutputDirectory.requireOwned(workspace.out(), all.toArray(String[]::new));
    return new StepOutput(context, step, workspace);
  }

  /** Starts {@code step}, a step that keeps no run record: claims only {@code names}. */
  public static StepOutput claimUntracked(
      StepContext context, String step, Workspace workspace, String... names)
      throws BadInputException {
    OutputDirectory.requireOwned(workspace.out(), names);
    return new StepOutput(context, step, workspace);
  }

  /** The step's name, as in {@code run.json} and the tracked run. */
  public String step() {
    return step;
  }

  /** The workspace the step writes into. */
  public Workspace workspace() {
    return workspace;
  }

  /** The context the step runs with. */
  public StepContext context() {
    return context;
  }

  /** When the step started: when it was claimed. */
  public Instant started() {
    return started;
  }

  /** Milliseconds since the step started, by the context's clock. */
  public long elapsedMillis() {
    return context.clock().millis() - started.toEpochMilli();
  }

  /**
   * Writes {@code dir} whole and atomically, with {@code run.json}; an I/O failure reads "cannot
   * write DIR: reason" (exit 3).
   */
  public void write(Path dir, Contents contents) throws MlciException {
    write(dir, null, contents, info -> {});
  }

  /**
   * Writes {@code dir} holding {@code what} ("the model") whole and atomically, with {@code
   * run.json}; an I/O failure reads "cannot write the model to DIR: reason" (exit 3).
   */
  public void write(Path dir, String what, Contents contents) throws MlciException {
    write(dir, what, contents, info -> {});
  }

  /**
   * As {@link #write(Path, String, Contents)}, with {@code runInfo} adding the step's own fields to
   * {@code run.json} (e.g. the command an external training ran).
   */
  public void write(Path dir, String what, Contents contents, Consumer<ObjectNode> runInfo)
      throws MlciException {
    String doing = "write " + (what == null ? "" : what + " to ") + Workspace.display(dir);
    try {
      OutputDirectory.write(
          dir,
          staging -> {
            contents.write(staging);
            ObjectNode info = runInfo(step, started, context.clock().instant());
            runInfo.accept(info);
            Json.write(staging.resolve(RUN_INFO), info);
          });
    } catch (MlciException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw failure(doing, e);
    }
  }

  /**
   * Deletes the output {@code dir} when it is mlci's (a directory of the user's is left alone).
   *
   * @return whether it was deleted
   */
  public boolean deleteIfOurs(Path dir) throws MlciException {
    try {
      return OutputDirectory.deleteIfOurs(dir);
    } catch (IOException e) {
      throw failure("remove " + Workspace.display(dir), e);
    }
  }

  /**
   * Records the step in the run of the model with {@code modelDigest} (a new run when {@code
   * newRun}, as train starts one), named from the step's context {@code tags}; {@code finished} is
   * the time the step's metrics were taken. Tracking off records nothing.
   */
  public Tracked track(
      Plan plan,
      String modelDigest,
      boolean newRun,
      Map<String, String> tags,
      RunData.Builder run,
      long finished)
      throws MlciException {
    try (Tracking tracking = context.tracking(plan)) {
      return tracking.record(
          new Tracking.Step(
              step,
              modelDigest,
              newRun,
              StepRecords.runName(plan.config(), tags),
              run.build(),
              started.toEpochMilli(),
              finished));
    }
  }

  /**
   * The one mapping of a step's failure while doing {@code doing} ("write the model to
   * mlci-out/model") to an {@link MlciException}, which carries its exit code:
   *
   * <ul>
   *   <li>an {@link MlciException} stays as it is;
   *   <li>a folder in the way that mlci did not write ({@link
   *       AtomicDirectory.ForeignDirectoryException}) is the user's: exit 2, naming it and the fix;
   *   <li>running out of memory is the environment's: exit 3, with how to give the JVM more;
   *   <li>any other I/O failure is the environment's: exit 3, "cannot DOING: reason".
   * </ul>
   *
   * Anything else is a bug in mlci and is rethrown as it is, for the face to report as one.
   */
  public static MlciException failure(String doing, Throwable e) {
    if (e instanceof MlciException m) {
      return m;
    }
    if (e instanceof AtomicDirectory.ForeignDirectoryException f) {
      return new BadInputException(
          Problem.in(
              "--out",
              "",
              "cannot "
                  + doing
                  + ": "
                  + f.getMessage()
                  + "; mlci will neither replace nor delete it.",
              Fix.of("choose another {}, or move it away.", Suggestions.Option.OUT)));
    }
    if (e instanceof OutOfMemoryError oom) {
      return OutOfMemory.of(doing, oom);
    }
    if (e instanceof UncheckedIOException u) {
      return failure(doing, u.getCause());
    }
    if (e instanceof IOException io) {
      return new EnvironmentException("cannot " + doing + ": " + OutputDirectory.reason(io), io);
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new EnvironmentException("cannot " + doing + ": " + e, e);
  }

  /** The {@code run.json} of a step: what ran, when, how long, with which mlci. */
  static ObjectNode runInfo(String step, Instant started, Instant finished) {
    ObjectNode run = JsonNodeFactory.instance.objectNode();
    run.put("step", step);
    run.put("started", started.toString());
    run.put("finished", finished.toString());
    run.put("millis", finished.toEpochMilli() - started.toEpochMilli());
    run.put("mlci_version", ModelFormat.mlciVersion());
    return run;
  }
}
