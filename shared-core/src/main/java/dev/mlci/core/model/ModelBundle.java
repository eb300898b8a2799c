package dev.mlci.core.model;

import dev.mlci.format.FeatureSpec;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.tribuo.Model;
import tools.jackson.databind.JsonNode;

/**
 * A model directory, verified and loaded.
 *
 * @param dir where it was read from
 * @param model the Tribuo model; null for a model the repository's own command exported
 * @param spec how input columns become features
 * @param provenance the parsed {@code provenance.json}
 * @param digest SHA-256 of {@code checksums.sha256}: identifies the whole directory
 * @param externalOnnx {@code trainer: external}: the exported {@code model.onnx}, scored through
 *     ONNX Runtime; empty for mlci's own models
 */
public record ModelBundle(
    Path dir,
    Model<?> model,
    FeatureSpec spec,
    JsonNode provenance,
    String digest,
    Optional<Path> externalOnnx) {
  public ModelBundle {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(externalOnnx, "externalOnnx");
    if ((model == null) == externalOnnx.isEmpty()) {
      throw new IllegalArgumentException(
          "a bundle holds either a Tribuo model or an external ONNX model");
    }
  }

  /** One of mlci's own models. */
  public ModelBundle(
      Path dir, Model<?> model, FeatureSpec spec, JsonNode provenance, String digest) {
    this(dir, Objects.requireNonNull(model, "model"), spec, provenance, digest, Optional.empty());
  }
}
