package dev.mlci.core.gate;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the baseline came from, for the report.
 *
 * @param source {@code note} (git note of the target branch), {@code file} (--baseline FILE),
 *     {@code rebuild} (merge-base retrained), or {@code none}
 * @param commit the baseline's commit, when known
 * @param description how it was found, in a sentence
 */
public record BaselineInfo(String source, Optional<String> commit, String description) {
  public BaselineInfo {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(description, "description");
  }

  public static BaselineInfo none(String why) {
    return new BaselineInfo("none", Optional.empty(), why);
  }

  public boolean missing() {
    return source.equals("none");
  }

  /** A commit id shortened for reading: its first 12 characters (or all of a shorter one). */
  public static String abbreviate(String commit) {
    return commit.substring(0, Math.min(12, commit.length()));
  }
}
