package dev.mlci.core.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci containerize}.
 *
 * @param base the base image ({@code registry://REF} or bare {@code REF}, {@code docker://REF},
 *     {@code tar://PATH}); it must hold Java 17 or newer with {@code java} on the PATH
 * @param target where the image goes: {@code registry://REF}, {@code docker://REF} or {@code
 *     tar://PATH}
 * @param name for a tar target: the image name inside the tarball (default {@code mlci/<model>})
 * @param allowInsecureRegistries allow plain-HTTP registries (loopback test registries)
 * @param env the environment: registry credentials, {@code MLCI_CACHE_DIR}, {@code
 *     MLCI_SERVER_DIST}
 */
public record ContainerizeOptions(
    String base,
    String target,
    Optional<String> name,
    boolean allowInsecureRegistries,
    Map<String, String> env) {

  /** The base image when none is given: Eclipse Temurin's Java 17 runtime image. */
  public static final String DEFAULT_BASE = "eclipse-temurin:17-jre";

  public ContainerizeOptions {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(name, "name");
    env = Map.copyOf(env);
  }
}
