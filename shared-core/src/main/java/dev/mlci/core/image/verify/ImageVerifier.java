package dev.mlci.core.image.verify;

import dev.mlci.core.image.build.BuiltImage;
import dev.mlci.core.progress.ProgressListener;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code mlci verify-image}: runs a built image with a container engine, waits until it is ready,
 * checks its serving contract ({@link ServingContract}) against the evaluated predictions, stops it
 * with SIGTERM and reports.
 */
public final class ImageVerifier {
  /** The server's default request body limit inside an image. */
  public static final long IMAGE_BODY_LIMIT = 10L << 20;

  /**
   * The exit codes of {@code podman run} and {@code docker run} (both document them) for a
   * container command that cannot be invoked (126) or is not found (127): the image's fault. 125
   * and others are the engine's.
   */
  static final int CANNOT_INVOKE = 126;

  static final int NOT_FOUND = 127;

  private ImageVerifier() {}

  /**
   * The image to run.
   *
   * @param target where it was delivered ({@code registry://...}, {@code tar://PATH}, {@code
   *     docker://...})
   * @param reference its name
   * @param digest its manifest digest
   * @param imageId its configuration digest
   */
  public record Image(String target, String reference, String digest, String imageId) {
    public Image {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(imageId, "imageId");
    }
  }

  /**
   * What happened.
   *
   * @param engine the container engine used
   * @param image what was run
   * @param startSeconds from {@code run} to ready
   * @param report the contract check (null when the server never became ready)
   * @param stopSeconds how long the stop on SIGTERM took
   * @param stoppedCleanly whether the server logged a clean stop after SIGTERM
   * @param problems what went wrong outside the contract checks (start, stop)
   * @param logTail the end of the container's log
   */
  public record Outcome(
      String engine,
      String image,
      double startSeconds,
      ServingContract.Report report,
      double stopSeconds,
      boolean stoppedCleanly,
      List<String> problems,
      String logTail) {
    public Outcome {
      problems = List.copyOf(problems);
    }

    public boolean passed() {
      return report != null && report.passed() && problems.isEmpty();
    }
  }

  /** The engine failed in a way the check cannot report as a contract result. */
  public static final class EngineException extends Exception {
    private static final long serialVersionUID = 1L;

    EngineException(String message) {
      super(message);
    }
  }

  /** Runs the check. */
  public static Outcome verify(
      ContainerRuntime engine,
      Image image,
      boolean insecureRegistry,
      ServingCases cases,
      Duration startTimeout,
      ProgressListener progress)
      throws EngineException, IOException, InterruptedException {
    String runnable = prepare(engine, image, insecureRegistry, progress);
    int port = freePort();
    String name = "mlci-verify-" + Long.toHexString(System.nanoTime());
    List<String> run = new ArrayList<>();
    run.add(engine.executable().toString());
    run.addAll(List.of("run", "-d", "--name", name, "--network", "host"));
    run.addAll(List.of("-e", "MLCI_PORT=" + port));
    run.addAll(engine.runArgs());
    run.add(runnable);
    progress.info("starting " + image.reference() + " with " + engine.name() + " on port " + port);
    long started = System.nanoTime();
    ContainerRuntime.Result r = engine.exec(run, Duration.ofMinutes(2));
    if (r.exitCode() == CANNOT_INVOKE || r.exitCode() == NOT_FOUND) {
      // The engine ran, the image did not: its entrypoint is missing or not executable. That is
      // the image breaking its contract (it does not start), not the machine failing.
      engine.exec(Duration.ofSeconds(60), "rm", "-f", name);
      return new Outcome(
          engine.name(),
          runnable,
          (System.nanoTime() - started) / 1e9,
          null,
          0,
          false,
          List.of("the image does not start: its entrypoint cannot be run (" + r.describe() + ")"),
          "");
    }
    if (!r.ok()) {
      throw new EngineException(
          engine.name()
              + " could not start the image: "
              + r.describe()
              + " (extra run arguments come from "
              + ContainerRuntime.ENV_RUN_ARGS
              + ")");
    }
    List<String> problems = new ArrayList<>();
    ServingContract.Report report = null;
    double startSeconds = 0;
    double stopSeconds = 0;
    boolean clean = false;
    String logs = "";
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      boolean ready = false;
      long deadline = System.nanoTime() + startTimeout.toNanos();
      int polls = 0;
      while (System.nanoTime() < deadline) {
        if (ServingContract.ready(base)) {
          ready = true;
          break;
        }
        if (++polls % 8 == 0 && !running(engine, name)) {
          break;
        }
        Thread.sleep(250);
      }
      startSeconds = (System.nanoTime() - started) / 1e9;
      if (!ready) {
        problems.add(
            running(engine, name)
                ? "the server was not ready after " + startTimeout.toSeconds() + " s"
                : "the container exited before it was ready (see its log below)");
      } else {
        progress.info(
            String.format(Locale.ROOT, "ready after %.1f s; checking the contract", startSeconds));
        report = new ServingContract(base, cases, IMAGE_BODY_LIMIT).run();
      }
      long stopStart = System.nanoTime();
      ContainerRuntime.Result stop = engine.exec(Duration.ofSeconds(60), "stop", "-t", "25", name);
      stopSeconds = (System.nanoTime() - stopStart) / 1e9;
      if (!stop.ok()) {
        problems.add("stopping the container failed: " + stop.describe());
      }
      ContainerRuntime.Result log = engine.exec(Duration.ofSeconds(30), "logs", name);
      logs = log.stdout() + log.stderr();
      clean = logs.contains("\"msg\":\"stopped\"");
      if (ready && !clean) {
        problems.add("the server did not log a clean stop after SIGTERM");
      }
    } finally {
      engine.exec(Duration.ofSeconds(60), "rm", "-f", name);
    }
    return new Outcome(
        engine.name(),
        runnable,
        startSeconds,
        report,
        stopSeconds,
        clean,
        problems,
        ContainerRuntime.last(logs.strip(), 4000));
  }

  /** Makes the image available to the engine; returns what to pass to {@code run}. */
  private static String prepare(
      ContainerRuntime engine, Image image, boolean insecure, ProgressListener progress)
      throws EngineException, IOException, InterruptedException {
    String id = image.imageId().replaceFirst("^sha256:", "");
    if (image.target().startsWith("tar://")) {
      String path = image.target().substring("tar://".length());
      progress.info("loading " + path + " into " + engine.name());
      ContainerRuntime.Result r = engine.exec(Duration.ofMinutes(5), "load", "-i", path);
      if (!r.ok()) {
        throw new EngineException(engine.name() + " could not load " + path + ": " + r.describe());
      }
      return id;
    }
    if (image.target().startsWith("docker://")) {
      return id;
    }
    String pinned =
        new BuiltImage(image.reference(), image.digest(), id, "", List.of(), List.of()).pinned();
    progress.info("pulling " + pinned);
    List<String> pull = new ArrayList<>(List.of(engine.executable().toString(), "pull"));
    if (insecure && engine.name().equals("podman")) {
      pull.add("--tls-verify=false");
    }
    pull.add(pinned);
    ContainerRuntime.Result r = engine.exec(pull, Duration.ofMinutes(10));
    if (!r.ok()) {
      throw new EngineException(engine.name() + " could not pull " + pinned + ": " + r.describe());
    }
    return pinned;
  }

  private static boolean running(ContainerRuntime engine, String name)
      throws IOException, InterruptedException {
    ContainerRuntime.Result r =
        engine.exec(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", name);
    return r.ok() && r.stdout().strip().equals("true");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
