package dev.mlci.server;

import dev.mlci.format.FeatureSpec;
import dev.mlci.format.ServingSpec;
import dev.mlci.format.profile.TableProfile;
import java.util.Objects;
import java.util.Optional;

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
 * @param training the training rows' profile ({@code data-profile.json}), the drift reference;
 *     empty for a model directory written before mlci wrote one
 */
record LoadedModel(
    String name,
    String version,
    FeatureSpec spec,
    ServingSpec serving,
    Predictor predictor,
    String digest,
    double loadSeconds,
    Optional<TableProfile> training) {
  /** A model without a training profile. */
  LoadedModel(
      String name,
      String version,
      FeatureSpec spec,
      ServingSpec serving,
      Predictor predictor,
      String digest,
      double loadSeconds) {
    this(name, version, spec, serving, predictor, digest, loadSeconds, Optional.empty());
  }

  LoadedModel {
    Objects.requireNonNull(training, "training");
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
