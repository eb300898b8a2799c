package dev.mlci.core.train;

import dev.mlci.format.FeatureSpec;
import java.util.Objects;
import org.tribuo.Model;

/**
 * A model fresh from training.
 *
 * @param model the Tribuo model, its provenance times fixed for reproducibility
 * @param spec how its input columns become features
 * @param trainingExamples number of training examples
 * @param standardized whether numeric features were standardised
 */
public record TrainedModel(
    Model<?> model, FeatureSpec spec, int trainingExamples, boolean standardized) {
  public TrainedModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(spec, "spec");
  }
}
