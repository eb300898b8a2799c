package dev.mlci.core.api;

import java.util.List;
import java.util.Objects;

/**
 * What {@code mlci base-image} built.
 *
 * @param target where it went ({@code tar://PATH} or {@code registry://REF})
 * @param reference the image's name
 * @param digest the image's digest: the same JDK, system libraries and mlci give the same one
 * @param javaVersion the version of the jlink'd runtime (that of the JDK mlci ran on)
 * @param layers the layers, in order: system libraries, the Java runtime, users and /tmp
 * @param systemLibraries the system libraries copied in, by their path in the image
 * @param warnings what images on this base may lack
 */
public record BaseImageResult(
    String target,
    String reference,
    String digest,
    String javaVersion,
    List<ImageLayer> layers,
    List<String> systemLibraries,
    List<String> warnings) {
  public BaseImageResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(javaVersion, "javaVersion");
    layers = List.copyOf(layers);
    systemLibraries = List.copyOf(systemLibraries);
    warnings = List.copyOf(warnings);
  }
}
