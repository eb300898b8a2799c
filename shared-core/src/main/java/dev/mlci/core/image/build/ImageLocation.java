package dev.mlci.core.image.build;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an image comes from or goes to, in jib-cli's notation: {@code registry://REF} (also a bare
 * {@code REF}), {@code docker://REF} (a local Docker daemon) or {@code tar://PATH} (a docker-save
 * tarball).
 */
public sealed interface ImageLocation {
  /** An image in a registry. */
  record Registry(ImageReference reference) implements ImageLocation {
    public Registry {
      Objects.requireNonNull(reference, "reference");
    }

    @Override
    public String toString() {
      return "registry://" + reference;
    }
  }

  /** An image in the local Docker daemon. */
  record Docker(ImageReference reference) implements ImageLocation {
    public Docker {
      Objects.requireNonNull(reference, "reference");
    }

    @Override
    public String toString() {
      return "docker://" + reference;
    }
  }

  /** A docker-save tarball. */
  record Tar(Path path) implements ImageLocation {
    public Tar {
      path = path.toAbsolutePath().normalize();
    }

    @Override
    public String toString() {
      return "tar://" + path;
    }
  }

  /**
   * Parses {@code spec}.
   *
   * @param bareIsRegistry whether a spec without a scheme means a registry image (true for base
   *     images, as in a Dockerfile's FROM; targets must say where they go)
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static ImageLocation parse(String spec, boolean bareIsRegistry) {
    Objects.requireNonNull(spec, "spec");
    if (!spec.startsWith("tar://") && hasCredentials(spec)) {
      throw new IllegalArgumentException(
          "'"
              + dev.mlci.core.errors.Secrets.redact(
                  spec.contains("://") ? spec : "registry://" + spec)
              + "' carries credentials in the image reference, where logs and manifests would"
              + " show them; set MLCI_REGISTRY_USERNAME and MLCI_REGISTRY_PASSWORD (or docker login)"
              + " instead");
    }
    if (spec.startsWith("tar://")) {
      String path = spec.substring("tar://".length());
      if (path.isBlank()) {
        throw new IllegalArgumentException("'" + spec + "' names no file; write tar://PATH");
      }
      return new Tar(Path.of(path));
    }
    if (spec.startsWith("docker://")) {
      return new Docker(reference(spec.substring("docker://".length()), spec));
    }
    if (spec.startsWith("registry://")) {
      return new Registry(reference(spec.substring("registry://".length()), spec));
    }
    if (spec.contains("://")) {
      throw new IllegalArgumentException(
          "'" + spec + "' has an unknown scheme; use registry://REF, docker://REF or tar://PATH");
    }
    if (!bareIsRegistry) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "' does not say where the image goes; write registry://"
              + spec
              + ", docker://"
              + spec
              + " or tar://PATH");
    }
    return new Registry(reference(spec, spec));
  }

  /**
   * Whether {@code spec} has user information ({@code user:password@host/...}): an {@code @} before
   * the first {@code /}. A digest ({@code repo@sha256:...}) is not one.
   */
  private static boolean hasCredentials(String spec) {
    String ref = spec.contains("://") ? spec.substring(spec.indexOf("://") + 3) : spec;
    int slash = ref.indexOf('/');
    String authority = slash < 0 ? ref : ref.substring(0, slash);
    int at = authority.indexOf('@');
    return at >= 0 && !authority.substring(at + 1).matches("[A-Za-z][A-Za-z0-9_+.-]*:[0-9a-fA-F]+");
  }

  private static ImageReference reference(String ref, String spec) {
    try {
      return ImageReference.parse(ref);
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "' is not a valid image reference; expected [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST],"
              + " e.g. ghcr.io/acme/model:1.0 or localhost:5000/model");
    }
  }
}
