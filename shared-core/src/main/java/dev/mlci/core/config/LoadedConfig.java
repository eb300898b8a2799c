package dev.mlci.core.config;

import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A validated ml.yaml together with where it came from, so later stages (reading the data,
 * training) can point their errors at the line of ml.yaml that caused them.
 */
public final class LoadedConfig {
  private final MlConfig config;
  private final Path file;
  private final String displayName;
  private final String sha256;
  private final YamlDocument document;

  LoadedConfig(
      MlConfig config, Path file, String displayName, String sha256, YamlDocument document) {
    this.config = Objects.requireNonNull(config);
    this.file = Objects.requireNonNull(file);
    this.displayName = Objects.requireNonNull(displayName);
    this.sha256 = Objects.requireNonNull(sha256);
    this.document = Objects.requireNonNull(document);
  }

  public MlConfig config() {
    return config;
  }

  /** Absolute path of the config file. */
  public Path file() {
    return file;
  }

  /** The folder relative data paths resolve against. */
  public Path folder() {
    return file.getParent();
  }

  /** The name used in messages, relative to the repository where possible. */
  public String displayName() {
    return displayName;
  }

  /** SHA-256 of the file's bytes, lowercase hex. */
  public String sha256() {
    return sha256;
  }

  /**
   * A problem located at the ml.yaml key {@code field} (dotted, e.g. {@code data.target}); the
   * position is the value's, or its nearest written ancestor's when the key was left to its
   * default.
   */
  public Problem problemAt(String field, String message, String fix) {
    return problemAt(field, message, Fix.text(fix));
  }

  /** As {@link #problemAt(String, String, String)}, with a fix that names steps or options. */
  public Problem problemAt(String field, String message, Fix fix) {
    String pointer = field.isEmpty() ? "" : "/" + field.replace(".", "/");
    YamlDocument.Position pos = document.valueAt(pointer);
    return Problem.at(
        displayName, pos.line(), pos.column(), YamlDocument.displayPath(pointer), message, fix);
  }

  /** Whether ml.yaml wrote {@code field} itself (rather than leaving it to the default). */
  public boolean isWritten(String field) {
    return !document.root().at("/" + field.replace(".", "/")).isMissingNode();
  }

  /**
   * The value ml.yaml wrote at {@code field} (dotted), a missing node when it wrote none: for
   * sections read by the stage that needs them ({@code compute}, {@code data.schema}, {@code
   * gate.data_rules}). The schema has validated it.
   */
  public tools.jackson.databind.JsonNode section(String field) {
    return document.root().at("/" + field.replace(".", "/"));
  }

  /** The line of ml.yaml holding {@code field} (or its nearest written ancestor); 0 if none. */
  public int lineOf(String field) {
    return document.valueAt("/" + field.replace(".", "/")).line();
  }

  /**
   * The same ml.yaml trained with {@code seed} as {@code model.seed}: a replicate of {@code
   * gate.training_noise}. Errors still point at this file.
   */
  public LoadedConfig withModelSeed(long seed) {
    ModelConfig m = config.model();
    return with(
        new ModelConfig(m.trainer(), m.params(), seed, m.standardize(), m.command(), m.timeout()),
        config.tracking());
  }

  /** The same ml.yaml with {@code model} and {@code tracking}; errors still point at this file. */
  private LoadedConfig with(ModelConfig model, TrackingConfig tracking) {
    MlConfig c =
        new MlConfig(
            config.version(),
            config.name(),
            config.task(),
            config.data(),
            model,
            config.metrics(),
            config.gate(),
            tracking);
    return new LoadedConfig(c, file, displayName, sha256, document);
  }

  /**
   * The same ml.yaml with {@code uri} as {@code tracking.uri} (empty: no server): a pipeline task
   * tracks on the server of its pipeline parameter, whatever ml.yaml says.
   */
  public LoadedConfig withTrackingUri(java.util.Optional<String> uri) {
    TrackingConfig t = config.tracking();
    return with(config.model(), new TrackingConfig(uri, t.experiment(), t.required()));
  }
}
