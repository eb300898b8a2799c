package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code mlci image cli}: the runner image, mlci's CLI in a container.
 *
 * @param jar the CLI's runnable jar (the face knows where its own jar is)
 * @param base the base image ({@code registry://REF}, bare {@code REF}, or {@code tar://PATH}); it
 *     must hold Java 17 or newer with {@code java} on the PATH
 * @param target {@code registry://REF} or {@code tar://PATH}
 * @param name for a tar target: the image name inside the tarball
 * @param user the user the image runs as (default {@code 65532:65532}, non-root)
 * @param allowInsecureRegistries plain-HTTP registries (loopback test registries)
 * @param env registry credentials and {@code MLCI_CACHE_DIR}
 */
public record RunnerImageOptions(
    Path jar,
    String base,
    String target,
    Optional<String> name,
    String user,
    boolean allowInsecureRegistries,
    Map<String, String> env) {
  public RunnerImageOptions {
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    env = Map.copyOf(env);
  }
}
