package dev.mlci.core.external;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One run of the training command: what ran, how it ended, its last lines of output.
 *
 * @param argv the program and its arguments
 * @param exitCode the exit code (-1 when stopped on timeout)
 * @param millis how long it ran
 * @param lastLines its last {@value #LAST_LINES} lines of output (stdout and stderr merged)
 * @param timedOut whether it was stopped for running past {@code model.timeout}
 */
public record CommandRun(
    List<String> argv, int exitCode, long millis, List<String> lastLines, boolean timedOut) {
  /** Lines of output kept for messages and run.json. */
  public static final int LAST_LINES = 20;

  /** Longest line kept, in characters. */
  static final int MAX_LINE = 2000;

  /** How long a stopped command may take to exit after SIGTERM before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(5);

  public CommandRun {
    argv = List.copyOf(argv);
    lastLines = List.copyOf(lastLines);
  }

  /**
   * Runs {@code argv} in {@code dir} with {@code env} added to this process's environment, each
   * line of its output (stdout and stderr merged) passed to {@code lines}. Past {@code timeout} the
   * command and every process it started ({@link ProcessHandle#descendants()}) are stopped:
   * SIGTERM, then after {@link #GRACE} SIGKILL.
   *
   * @throws IOException when the program cannot be started (not found, not executable)
   */
  public static CommandRun run(
      List<String> argv,
      Path dir,
      Map<String, String> env,
      Duration timeout,
      Consumer<String> lines)
      throws IOException, InterruptedException {
    return run(argv, dir, env, timeout, lines, new CompletableFuture<>());
  }

  /**
   * {@link #run(List, Path, Map, Duration, Consumer)}, also stopping the command and every process
   * it started as soon as {@code stop} completes (normally or not): a check that runs beside the
   * command found the input bad. Such a run reports exit code -1; the caller reports the check.
   */
  public static CommandRun run(
      List<String> argv,
      Path dir,
      Map<String, String> env,
      Duration timeout,
      Consumer<String> lines,
      CompletableFuture<?> stop)
      throws IOException, InterruptedException {
    return start(argv, dir, env, lines).await(timeout, stop);
  }

  /**
   * Starts {@code argv} as {@link #run(List, Path, Map, Duration, Consumer)} does and returns at
   * once: {@link Started#await} waits for it, {@link Started#stop} stops it with every process it
   * started.
   *
   * @throws IOException when the program cannot be started (not found, not executable)
   */
  public static Started start(
      List<String> argv, Path dir, Map<String, String> env, Consumer<String> lines)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    long start = System.nanoTime();
    Process process = pb.start();
    process.getOutputStream().close();
    Deque<String> last = new ArrayDeque<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  String kept = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
                  synchronized (last) {
                    last.addLast(kept);
                    if (last.size() > LAST_LINES) {
                      last.removeFirst();
                    }
                  }
                  lines.accept(kept);
                }
              } catch (IOException e) {
                // The stream closes when the process tree is stopped.
              }
            },
            "mlci-command-output");
    reader.setDaemon(true);
    reader.start();
    return new Started(List.copyOf(argv), process, reader, last, start);
  }

  /** A started command: waited for once ({@link #await}), or stopped ({@link #stop}). */
  public static final class Started {
    private final List<String> argv;
    private final Process process;
    private final Thread reader;
    private final Deque<String> last;
    private final long startNanos;

    private Started(
        List<String> argv, Process process, Thread reader, Deque<String> last, long startNanos) {
      this.argv = argv;
      this.process = process;
      this.reader = reader;
      this.last = last;
      this.startNanos = startNanos;
    }

    /** When it started, as {@link System#nanoTime()}. */
    public long startNanos() {
      return startNanos;
    }

    /**
     * Waits until it exits, {@code timeout} after it started (then it and every process it started
     * are stopped: SIGTERM, then after {@link #GRACE} SIGKILL), or {@code stop} completes (stopped
     * the same way; exit code -1).
     */
    public CommandRun await(Duration timeout, CompletableFuture<?> stop)
        throws InterruptedException {
      boolean timedOut = false;
      boolean stopped = false;
      long left = timeout.toNanos() - (System.nanoTime() - startNanos);
      try {
        CompletableFuture.anyOf(process.onExit(), stop)
            .get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        timedOut = true;
        stopTree(process);
      } catch (ExecutionException e) {
        // stop completed with an error: stopped below.
      } catch (InterruptedException e) {
        stopTree(process);
        throw e;
      }
      if (!timedOut && process.isAlive()) {
        stopped = true;
        stopTree(process);
      }
      reader.join(GRACE.toMillis());
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      List<String> kept;
      synchronized (last) {
        kept = List.copyOf(last);
      }
      return new CommandRun(
          argv, timedOut || stopped ? -1 : process.exitValue(), millis, kept, timedOut);
    }

    /** Stops it and every process it started (SIGTERM, then SIGKILL after {@link #GRACE}). */
    public void stop() throws InterruptedException {
      if (process.isAlive()) {
        stopTree(process);
      }
    }
  }

  /** Stops {@code process} and all its descendants: SIGTERM, then SIGKILL after the grace. */
  private static void stopTree(Process process) throws InterruptedException {
    // Collected first: once the parent is gone its children are re-parented and out of reach.
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    long deadline = System.nanoTime() + GRACE.toNanos();
    while (System.nanoTime() < deadline
        && (process.isAlive() || tree.stream().anyMatch(ProcessHandle::isAlive))) {
      Thread.sleep(50);
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }
}
