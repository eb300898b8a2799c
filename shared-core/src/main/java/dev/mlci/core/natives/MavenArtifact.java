package dev.mlci.core.natives;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of a Maven repository with the SHA-256 mlci pins for it, e.g. DJL's {@code
 * ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64}.
 *
 * @param groupId e.g. {@code ai.djl.pytorch}
 * @param artifactId e.g. {@code pytorch-native-cpu}
 * @param version e.g. {@code 2.7.1}
 * @param classifier e.g. {@code linux-x86_64}; empty for the main artifact
 * @param sha256 the file's SHA-256, 64 lower-case hex digits
 */
public record MavenArtifact(
    String groupId, String artifactId, String version, String classifier, String sha256) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  public MavenArtifact {
    for (String part : new String[] {groupId, artifactId, version}) {
      if (part == null || !NAME.matcher(part).matches()) {
        throw new IllegalArgumentException("not a Maven coordinate part: '" + part + "'");
      }
    }
    Objects.requireNonNull(classifier, "classifier");
    if (!classifier.isEmpty() && !NAME.matcher(classifier).matches()) {
      throw new IllegalArgumentException("not a Maven classifier: '" + classifier + "'");
    }
    sha256 = sha256.toLowerCase(Locale.ROOT);
    if (sha256.length() != 64) {
      throw new IllegalArgumentException("a SHA-256 has 64 hex digits, not '" + sha256 + "'");
    }
    HexFormat.of().parseHex(sha256);
  }

  /** {@code pytorch-native-cpu-2.7.1-linux-x86_64.jar}. */
  public String fileName() {
    return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
  }

  /** The file's path in a Maven repository (the standard layout), without a leading slash. */
  public String repositoryPath() {
    return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + fileName();
  }

  /** {@code group:artifact:version[:classifier]}. */
  public String coordinate() {
    return groupId
        + ":"
        + artifactId
        + ":"
        + version
        + (classifier.isEmpty() ? "" : ":" + classifier);
  }
}
