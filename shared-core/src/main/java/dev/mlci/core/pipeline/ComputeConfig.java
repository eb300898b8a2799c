package dev.mlci.core.pipeline;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code compute} section of ml.yaml: what the training step gets when it runs on a cluster
 * ({@code mlci pipeline kfp}, {@code mlci pipeline k8s}) rather than on the CI runner.
 *
 * @param cpu CPU cores as a Kubernetes quantity ({@code 4}, {@code 500m}); empty: the cluster's
 *     default
 * @param memory memory as a Kubernetes quantity with a unit ({@code 8Gi}); empty: the default
 * @param gpu GPUs, 0 for none
 * @param gpuType the extended resource of the GPUs, default {@value #DEFAULT_GPU_TYPE}
 * @param retries how often a failed training step is retried, default 0
 * @param timeout how long the training step may run, default {@link #DEFAULT_TIMEOUT}
 */
public record ComputeConfig(
    Optional<String> cpu,
    Optional<String> memory,
    int gpu,
    String gpuType,
    int retries,
    Duration timeout) {
  /** The GPU resource when {@code gpu_type} is not given. */
  public static final String DEFAULT_GPU_TYPE = "nvidia.com/gpu";

  /** How long training may run on a cluster when {@code timeout} is not given: 6 hours. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

  static final Pattern CPU =
      Pattern.compile("[1-9][0-9]{0,3}|[1-9][0-9]{0,6}m|[0-9]{1,4}\\.[0-9]{1,3}");
  static final Pattern MEMORY = Pattern.compile("[1-9][0-9]{0,5}(Ki|Mi|Gi|Ti|K|M|G|T)");

  public ComputeConfig {
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(gpuType, "gpuType");
    Objects.requireNonNull(timeout, "timeout");
    cpu.ifPresent(
        c -> {
          if (!CPU.matcher(c).matches()) {
            throw new IllegalArgumentException(
                "cpu '" + c + "' is not a quantity such as 4 or 500m");
          }
        });
    memory.ifPresent(
        m -> {
          if (!MEMORY.matcher(m).matches()) {
            throw new IllegalArgumentException(
                "memory '" + m + "' is not a quantity such as 8Gi or 512Mi");
          }
        });
    if (gpu < 0 || retries < 0) {
      throw new IllegalArgumentException(
          "gpu " + gpu + " and retries " + retries + " must be >= 0");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " must be positive");
    }
  }

  /** No section: the cluster's defaults, no GPU, no retry, 6 hours. */
  public static ComputeConfig defaults() {
    return new ComputeConfig(
        Optional.empty(), Optional.empty(), 0, DEFAULT_GPU_TYPE, 0, DEFAULT_TIMEOUT);
  }

  /**
   * The section of {@code loaded} (which the schema has checked: types, patterns, bounds); the one
   * rule a schema cannot say well, {@code gpu_type} without {@code gpu}, is refused here with its
   * line.
   */
  public static ComputeConfig of(LoadedConfig loaded) throws BadInputException {
    JsonNode c = loaded.section("compute");
    if (c.isMissingNode() || c.isNull()) {
      return defaults();
    }
    int gpu = c.path("gpu").asInt(0);
    if (gpu == 0 && c.has("gpu_type")) {
      throw new BadInputException(
          loaded.problemAt(
              "compute.gpu_type",
              "'gpu_type' is set but 'gpu' is not: the training step would get no GPU.",
              "set 'gpu: 1' (or more), or remove 'gpu_type'."));
    }
    return new ComputeConfig(
        text(c, "cpu"),
        text(c, "memory"),
        gpu,
        c.path("gpu_type").asString(DEFAULT_GPU_TYPE),
        c.path("retries").asInt(0),
        c.has("timeout") ? duration(c.get("timeout").asString()) : DEFAULT_TIMEOUT);
  }

  private static Optional<String> text(JsonNode n, String field) {
    return n.has(field) ? Optional.of(n.get(field).asString()) : Optional.empty();
  }

  /** {@code 90s}, {@code 30m}, {@code 2h}: the schema's pattern. */
  public static Duration duration(String text) {
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
