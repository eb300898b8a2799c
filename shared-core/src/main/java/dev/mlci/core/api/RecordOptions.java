package dev.mlci.core.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code mlci baseline record} records.
 *
 * @param push the remote to push the notes to; empty to record locally only
 * @param env the environment: git credentials ({@code MLCI_GIT_TOKEN}, {@code GITHUB_TOKEN})
 */
public record RecordOptions(Optional<String> push, Map<String, String> env) {
  public RecordOptions {
    Objects.requireNonNull(push, "push");
    env = Map.copyOf(env);
  }
}
