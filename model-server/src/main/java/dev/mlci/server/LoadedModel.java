package dev.mlci.server;

import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ServingSpec;
import java.util.Objects;

/**
 * A model ready to serve.
 *
 * @param name the name clients address it by ({@code /v2/models/{name}})
 * @param version its version: the first 12 hex digits of the model directory's digest
 * @param spec its input columns and classes
 * @param serving its backend and what its outputs mean
 * @param predictor what scores rows
 * @param digest SHA-256 of the model directory's checksum file
 * @param loadSeconds how long verifying and loading took
 */
record LoadedModel(
    String name,
    String version,
    FeatureSpec spec,
    ServingSpec serving,
    Predictor predictor,
    String digest,
    double loadSeconds) {
  LoadedModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(serving, "serving");
    Objects.requireNonNull(predictor, "predictor");
    Objects.requireNonNull(digest, "digest");
  }

  boolean classification() {
    return spec.target().isClassification();
  }

  /**
   * Name of the main output tensor: {@code probabilities}, {@code scores} or {@code prediction}.
   */
  String outputName() {
    return switch (serving.outputs()) {
      case PROBABILITIES -> "probabilities";
      case SCORES -> "scores";
      case VALUES -> "prediction";
    };
  }
}
