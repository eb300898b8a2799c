package dev.mlci.core.image.build;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci containerize} builds.
 *
 * @param name the model's name (the image's title)
 * @param modelDir the model directory (the model layer)
 * @param runtime the model server (the dependencies and server layers)
 * @param base the base image: it must hold a Java 17+ runtime with {@code java} on the PATH
 * @param target where the image goes
 * @param tarReference for a tar target: the name the image carries inside the tarball
 * @param labels image labels (OCI annotation keys)
 * @param allowInsecureRegistries whether plain HTTP registries are allowed (loopback test
 *     registries)
 * @param cacheDir Jib's layer caches
 * @param env the environment (registry credentials)
 */
public record ImageBuild(
    String name,
    Path modelDir,
    ServerRuntime runtime,
    ImageLocation base,
    ImageLocation target,
    Optional<String> tarReference,
    Map<String, String> labels,
    boolean allowInsecureRegistries,
    Path cacheDir,
    Map<String, String> env) {

  /** Port the server listens on inside the image. */
  public static final int PORT = 8080;

  /** Where the model lies inside the image. */
  public static final String MODEL_PATH = "/model";

  /** The user the server runs as: not root. */
  public static final String USER = "65532:65532";

  public ImageBuild {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tarReference, "tarReference");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(cacheDir, "cacheDir");
    env = Map.copyOf(env);
  }
}
