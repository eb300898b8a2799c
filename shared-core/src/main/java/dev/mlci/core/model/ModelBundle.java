package dev.mlci.core.model;

import dev.mlci.format.FeatureSpec;
import java.nio.file.Path;
import java.util.Objects;
import org.tribuo.Model;
import tools.jackson.databind.JsonNode;

/**
 * A model directory, verified and loaded.
 *
 * @param dir where it was read from
 * @param model the Tribuo model
 * @param spec how input columns become features
 * @param provenance the parsed {@code provenance.json}
 * @param digest SHA-256 of {@code checksums.sha256}: identifies the whole directory
 */
public record ModelBundle(
    Path dir, Model<?> model, FeatureSpec spec, JsonNode provenance, String digest) {
  public ModelBundle {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(digest, "digest");
  }
}
