package dev.mlci.core.train;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.SpecFitter;
import dev.mlci.core.data.TribuoData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.mlp.DivergedException;
import dev.mlci.core.mlp.Engines;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.FeatureSpec;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Trains the model ml.yaml describes on the training split. */
public final class ModelTraining {
  /** Training rows whose predictions are checked for divergence. */
  static final int FINITE_CHECK_ROWS = 20;

  private ModelTraining() {}

  /** Trains, reporting progress to {@code progress}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static TrainedModel train(LoadedConfig loaded, LoadedData data, ProgressListener progress)
      throws BadInputException, EnvironmentException {
    MlConfig config = loaded.config();
    boolean standardize =
        config
            .model()
            .standardize()
            .orElse(TrainerCatalog.standardizesByDefault(config.model().trainer()));
    FeatureSpec spec = SpecFitter.fit(config, data, standardize);
    String description =
        "mlci:"
            + data.files().stream()
                .map(f -> f.role() + "=" + f.path() + "@sha256:" + f.sha256())
                .collect(Collectors.joining(","));
    TrainerCatalog.Built built =
        TrainerCatalog.build(config.task(), config.model(), data.train().size(), spec);
    String unit =
        switch (built.progress()) {
          case SGD_ITERATIONS, LBFGS_ITERATIONS -> "iterations";
          case ENSEMBLE_MEMBERS -> "trees";
          case EPOCHS -> "epochs";
          case NONE -> "";
        };
    long total = built.progress() == TrainerCatalog.Progress.NONE ? -1 : built.totalUnits();
    progress.start("training " + config.model().trainer(), total, unit);
    Model<?> model;
    double lossSign = config.task() == Task.CLASSIFICATION ? -1 : 1;
    try (ProgressBridge bridge = ProgressBridge.open(built.progress(), progress, lossSign)) {
      if (built.trainer() instanceof FullBatchTrainer fullBatch) {
        // The linear solvers take the design matrix: built from the columns, no Tribuo dataset.
        model = fullBatch.train(FitInput.fromRows(spec, data.train(), description));
      } else {
        MutableDataset dataset = TribuoData.dataset(spec, data.train(), description);
        model = ((Trainer) built.trainer()).train(dataset);
      }
      if (total > 0) {
        progress.advance(total);
      }
    } catch (DesignMatrix.TooLargeException e) {
      throw new BadInputException(
          loaded.problemAt(
              "model.trainer",
              "the full-batch solver of "
                  + config.model().trainer()
                  + " cannot hold "
                  + e.getMessage()
                  + ".",
              "train on a sample of the rows, or use the SGD trainer (logistic-sgd, linear-sgd)."));
    } catch (Engines.EngineUnavailableException e) {
      throw new EnvironmentException(e.getMessage(), e);
    } catch (DivergedException e) {
      throw new BadInputException(
          loaded.problemAt(
              loaded.isWritten("model.params.learning_rate")
                  ? "model.params.learning_rate"
                  : "model.trainer",
              "training diverged: " + e.getMessage() + ".",
              "lower model.params.learning_rate (e.g. by 10x), or keep model.standardize on."));
    } finally {
      progress.finish();
    }
    LogisticLbfgsTrainer.notConverged(model).ifPresent(progress::info);
    requireFinite(loaded, model, spec, data);
    return new TrainedModel(FixedProvenance.fix(model), spec, data.train().size(), standardize);
  }

  /**
   * Refuses a model whose predictions are not finite: SGD with too large a learning rate diverges
   * to infinity or NaN, and such a model must not reach evaluation, let alone a registry.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void requireFinite(
      LoadedConfig loaded, Model<?> model, FeatureSpec spec, LoadedData data)
      throws BadInputException {
    String[] names = spec.featureNames().toArray(String[]::new);
    Output<?> unknown =
        spec.target().isClassification()
            ? LabelFactory.UNKNOWN_LABEL
            : RegressionFactory.UNKNOWN_REGRESSOR;
    for (DataRow row : data.train().subList(0, Math.min(FINITE_CHECK_ROWS, data.train().size()))) {
      Prediction<?> p =
          ((Model) model).predict(TribuoData.example(spec, names, row, (Output) unknown));
      boolean finite =
          p.getOutput() instanceof Regressor r
              ? Arrays.stream(r.getValues()).allMatch(Double::isFinite)
              : p.getOutputScores().values().stream()
                  .allMatch(l -> Double.isFinite(((Label) l).getScore()));
      if (!finite) {
        throw new BadInputException(
            loaded.problemAt(
                loaded.isWritten("model.params.learning_rate")
                    ? "model.params.learning_rate"
                    : "model.trainer",
                "training diverged: the model predicts infinity or NaN for training row "
                    + row.row()
                    + " of "
                    + row.file()
                    + ".",
                "lower model.params.learning_rate (e.g. by 10x), or keep model.standardize on."));
      }
    }
  }
}
