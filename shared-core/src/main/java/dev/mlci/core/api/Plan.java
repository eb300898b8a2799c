package dev.mlci.core.api;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import java.util.Objects;

/**
 * What a run will do, resolved and validated before anything is written: the workspace and the
 * loaded ml.yaml. Every face builds a plan with {@link Mlci#plan} and hands it to the same steps.
 */
public record Plan(Workspace workspace, LoadedConfig loaded) {
  public Plan {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(loaded, "loaded");
  }

  public MlConfig config() {
    return loaded.config();
  }

  /** The model's name ({@code name} in ml.yaml). */
  public String name() {
    return loaded.config().name();
  }
}
