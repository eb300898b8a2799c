package dev.mlci.core.image.verify;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A container engine's command line (podman, or docker), used to run a built image for its contract
 * check.
 *
 * @param executable the engine's command
 * @param runArgs extra {@code run} arguments ({@code MLCI_CONTAINER_RUN_ARGS}), e.g. {@code
 *     --runtime runc --ulimit nofile=20000:20000}
 */
public record ContainerRuntime(Path executable, List<String> runArgs) {
  /** Environment variable naming the engine: {@code podman}, {@code docker} or a path. */
  public static final String ENV_RUNTIME = "MLCI_CONTAINER_RUNTIME";

  /** Environment variable with extra {@code run} arguments, separated by spaces. */
  public static final String ENV_RUN_ARGS = "MLCI_CONTAINER_RUN_ARGS";

  public ContainerRuntime {
    Objects.requireNonNull(executable, "executable");
    runArgs = List.copyOf(runArgs);
  }

  /** The command's output. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    String describe() {
      String err = stderr.strip();
      return "exit " + exitCode + (err.isEmpty() ? "" : ": " + last(err, 600));
    }
  }

  /** The engine's name ({@code podman}, {@code docker}). */
  public String name() {
    return executable.getFileName().toString();
  }

  /**
   * The engine to use: {@code MLCI_CONTAINER_RUNTIME}, else podman, else docker, found on the PATH.
   */
  public static Optional<ContainerRuntime> detect(Map<String, String> env) {
    List<String> args =
        Arrays.stream(env.getOrDefault(ENV_RUN_ARGS, "").trim().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList();
    String chosen = env.get(ENV_RUNTIME);
    List<String> candidates =
        chosen != null && !chosen.isBlank() ? List.of(chosen.trim()) : List.of("podman", "docker");
    for (String candidate : candidates) {
      Optional<Path> found = onPath(candidate, env.getOrDefault("PATH", ""));
      if (found.isPresent()) {
        return Optional.of(new ContainerRuntime(found.get(), args));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> onPath(String command, String path) {
    if (command.contains("/")) {
      Path p = Path.of(command);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return Optional.of(Path.of(dir, command));
      }
    }
    return Optional.empty();
  }

  /** Runs {@code engine args...}, waiting at most {@code timeout}. */
  Result exec(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    return exec(command, timeout);
  }

  Result exec(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("mlci-engine-", ".out");
    Path err = Files.createTempFile("mlci-engine-", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IOException(
            String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static String last(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }
}
