package dev.mlci.core.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci register} registers as.
 *
 * @param name the registered model's name; empty for the model's {@code name} in ml.yaml
 * @param alias the alias pointed at the new version, e.g. {@code champion}
 * @param tags more tags for the new version (the pipeline's register task: the serving image's
 *     reference and digest), besides the commit and model digest every version carries
 */
public record RegisterOptions(Optional<String> name, String alias, Map<String, String> tags) {
  public RegisterOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(alias, "alias");
    tags = Map.copyOf(tags);
  }

  /** Options with no tags beyond the commit and model digest. */
  public RegisterOptions(Optional<String> name, String alias) {
    this(name, alias, Map.of());
  }
}
