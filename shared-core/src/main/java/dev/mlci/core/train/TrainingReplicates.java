package dev.mlci.core.train;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.ModelEvaluation;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.Replicate;
import dev.mlci.core.external.ExternalEvaluation;
import dev.mlci.core.external.ExternalModel;
import dev.mlci.core.external.ExternalTraining;
import dev.mlci.core.external.OnnxModelException;
import dev.mlci.core.external.OnnxScorer;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.core.progress.ProgressListener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code gate.training_noise}: the same config trained again with other seeds and scored on the
 * same test examples, so the gate can tell how far retraining alone moves a metric.
 *
 * <p>The seeds derive deterministically from {@code model.seed}: the first is {@code model.seed}
 * itself (the model that is shipped), the others come from a generator seeded by it, so the same
 * ml.yaml always trains the same replicates and a change of {@code model.seed} changes all of them.
 * Every trainer kind is covered, because each takes its randomness from {@code model.seed}:
 * Tribuo's trainers and the MLP through {@link TrainerCatalog}, {@code trainer: external} through
 * {@code MLCI_SEED} in its environment.
 */
public final class TrainingReplicates {
  private TrainingReplicates() {}

  /**
   * The {@code k} training seeds of {@code modelSeed}: {@code modelSeed} first, then {@code k - 1}
   * distinct seeds in [1, 2³¹ − 1) (within every trainer's range: DJL and Python take 32-bit
   * seeds).
   */
  public static long[] seeds(long modelSeed, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    Set<Long> seeds = new LinkedHashSet<>();
    seeds.add(modelSeed);
    SplittableRandom r = new SplittableRandom(modelSeed ^ 0x7F4A7C159E3779B9L);
    while (seeds.size() < k) {
      seeds.add((long) r.nextInt(1, Integer.MAX_VALUE));
    }
    return seeds.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Trains the replicates beyond the first ({@code seeds(model.seed, k)} without {@code
   * model.seed}) on {@code data}'s training rows and scores each on its test rows, in their order.
   *
   * @throws BadInputException when a replicate's training fails or diverges, naming its seed
   */
  public static List<Replicate> train(
      LoadedConfig loaded, LoadedData data, int k, ProgressListener progress)
      throws BadInputException, EnvironmentException {
    long[] seeds = seeds(loaded.config().model().seed(), k);
    List<Replicate> out = new ArrayList<>();
    for (int j = 1; j < seeds.length; j++) {
      progress.info(
          "gate.training_noise: training replicate "
              + (j + 1)
              + " of "
              + k
              + " (model.seed "
              + seeds[j]
              + ")");
      LoadedConfig replicate = loaded.withModelSeed(seeds[j]);
      Predictions p;
      try {
        p = trainAndScore(replicate, data, progress);
      } catch (BadInputException e) {
        throw new BadInputException(
            loaded.problemAt(
                "gate.training_noise.seeds",
                "training replicate "
                    + (j + 1)
                    + " of "
                    + k
                    + " (model.seed "
                    + seeds[j]
                    + ") failed: "
                    + e.getMessage().replace(System.lineSeparator(), " / "),
                "make training succeed with any seed, or lower gate.training_noise.seeds."));
      }
      Optional<String> nonFinite = ModelEvaluation.nonFinite(p);
      if (nonFinite.isPresent()) {
        throw new BadInputException(
            loaded.problemAt(
                "gate.training_noise.seeds",
                "the replicate trained with model.seed "
                    + seeds[j]
                    + " predicts a non-number for "
                    + nonFinite.get()
                    + ": training diverges for some seeds.",
                "lower model.params.learning_rate, or keep model.standardize on."));
      }
      out.add(new Replicate(seeds[j], p));
    }
    return out;
  }

  private static Predictions trainAndScore(
      LoadedConfig loaded, LoadedData data, ProgressListener progress)
      throws BadInputException, EnvironmentException {
    if (loaded.config().model().isExternal()) {
      ExternalModel m = ExternalTraining.train(loaded, data, progress);
      try (OnnxScorer scorer = OnnxScorer.load(m.onnx(), m.spec())) {
        return ExternalEvaluation.evaluate(loaded.config(), m.spec(), scorer, data.test())
            .predictions();
      } catch (OnnxModelException e) {
        throw new BadInputException(
            Problem.inFile(loaded.displayName(), "", e.getMessage(), e.fix()));
      }
    }
    TrainedModel trained = ModelTraining.train(loaded, data, progress);
    try {
      Evaluation e =
          ModelEvaluation.evaluate(loaded.config(), trained.spec(), trained.model(), data.test());
      return e.predictions();
    } finally {
      MlpModel.release(trained.model());
    }
  }
}
