package dev.mlci.core.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci register} registers as.
 *
 * @param name the registered model's name; empty for the model's {@code name} in ml.yaml
 * @param alias the alias pointed at the new version, e.g. {@code champion}
 */
public record RegisterOptions(Optional<String> name, String alias) {
  public RegisterOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(alias, "alias");
  }
}
