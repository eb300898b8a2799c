package dev.mlci.core.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci base-image}.
 *
 * @param target where the base goes: {@code tar://PATH} or {@code registry://REF}
 * @param name for a tar target: the image name inside the tarball (default {@value #DEFAULT_NAME}
 *     with the Java version as its tag)
 * @param allowInsecureRegistries allow plain-HTTP registries (loopback test registries)
 * @param env the environment: registry credentials, {@code MLCI_CACHE_DIR}, {@code
 *     MLCI_SERVER_DIST}
 */
public record BaseImageOptions(
    String target,
    Optional<String> name,
    boolean allowInsecureRegistries,
    Map<String, String> env) {

  /** The image name inside a tarball when none is given; the tag is the Java version. */
  public static final String DEFAULT_NAME = "mlci/java-base";

  public BaseImageOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(name, "name");
    env = Map.copyOf(env);
  }
}
