package dev.mlci.core.train;

import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.config.Task;
import java.util.Set;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.dtree.impurity.LabelImpurity;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Adam;
import org.tribuo.math.optimisers.RMSProp;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanAbsoluteError;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.rtree.impurity.RegressorImpurity;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * Turns {@code model.trainer} and {@code model.params} into a configured Tribuo trainer. Parameter
 * names, types, ranges and defaults are declared once, in {@code schema/ml.schema.json}; this class
 * only maps them to Tribuo.
 */
public final class TrainerCatalog {
  /** Trainers whose features are standardised unless {@code model.standardize} says otherwise. */
  private static final Set<String> LINEAR = Set.of("logistic", "linear-svm", "linear");

  private TrainerCatalog() {}

  /** What a trainer name resolves to. */
  record Built(Trainer<?> trainer, Progress progress, long totalUnits, Set<String> paramsRead) {}

  /** How a trainer reports progress. */
  enum Progress {
    /** Through Tribuo's SGD log lines, one per logging interval of iterations. */
    SGD_ITERATIONS,
    /** Through Tribuo's bagging log lines, one per tree. */
    ENSEMBLE_MEMBERS,
    /** Not at all: one native call (XGBoost) or too fast to matter (CART). */
    NONE
  }

  /** Whether features are standardised by default for {@code trainer}. */
  public static boolean standardizesByDefault(String trainer) {
    return LINEAR.contains(trainer);
  }

  /**
   * Builds the trainer.
   *
   * @param examples number of training examples (sizes the SGD logging interval)
   */
  static Built build(Task task, ModelConfig model, int examples) {
    Params p = new Params(model.params());
    long seed = model.seed();
    Built built =
        switch (task) {
          case CLASSIFICATION -> classification(model.trainer(), p, seed, examples);
          case REGRESSION -> regression(model.trainer(), p, seed, examples);
        };
    return new Built(built.trainer, built.progress, built.totalUnits, p.read());
  }

  private static Built classification(String name, Params p, long seed, int examples) {
    return switch (name) {
      case "logistic" -> sgdClassifier(new LogMulticlass(), p, seed, examples);
      case "linear-svm" -> sgdClassifier(new Hinge(p.real("margin")), p, seed, examples);
      case "cart" -> new Built(cartClassifier(p, seed, false), Progress.NONE, -1, Set.of());
      case "random-forest" -> {
        int trees = p.integer("n_trees");
        Trainer<Label> forest =
            new RandomForestTrainer<>(
                cartClassifier(p, seed, true), new FullyWeightedVotingCombiner(), trees, seed);
        yield new Built(forest, Progress.ENSEMBLE_MEMBERS, trees, Set.of());
      }
      case "xgboost" -> {
        int trees = p.integer("n_trees");
        Trainer<Label> xgb =
            new XGBoostClassificationTrainer(
                XGBoostTrainer.BoosterType.GBTREE,
                treeMethod(p),
                trees,
                p.real("eta"),
                p.real("gamma"),
                p.integer("max_depth"),
                p.real("min_child_weight"),
                p.real("subsample"),
                p.real("colsample_bytree"),
                p.real("lambda"),
                p.real("alpha"),
                p.integer("threads"),
                XGBoostTrainer.LoggingVerbosity.SILENT,
                seed);
        yield new Built(xgb, Progress.NONE, trees, Set.of());
      }
      default -> throw unknown(name, Task.CLASSIFICATION);
    };
  }

  private static Built regression(String name, Params p, long seed, int examples) {
    return switch (name) {
      case "linear" -> {
        int minibatch = p.integer("minibatch_size");
        int epochs = p.integer("epochs");
        long total = iterations(epochs, examples, minibatch);
        org.tribuo.regression.sgd.linear.LinearSGDTrainer t =
            new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
                new SquaredLoss(), optimiser(p), epochs, interval(total), minibatch, seed);
        t.setShuffle(p.bool("shuffle"));
        yield new Built(t, Progress.SGD_ITERATIONS, total, Set.of());
      }
      case "cart" -> new Built(cartRegressor(p, seed, false), Progress.NONE, -1, Set.of());
      case "random-forest" -> {
        int trees = p.integer("n_trees");
        Trainer<Regressor> forest =
            new RandomForestTrainer<>(
                cartRegressor(p, seed, true), new AveragingCombiner(), trees, seed);
        yield new Built(forest, Progress.ENSEMBLE_MEMBERS, trees, Set.of());
      }
      case "xgboost" -> {
        int trees = p.integer("n_trees");
        Trainer<Regressor> xgb =
            new XGBoostRegressionTrainer(
                XGBoostTrainer.BoosterType.GBTREE,
                treeMethod(p),
                XGBoostRegressionTrainer.RegressionType.LINEAR,
                trees,
                p.real("eta"),
                p.real("gamma"),
                p.integer("max_depth"),
                p.real("min_child_weight"),
                p.real("subsample"),
                p.real("colsample_bytree"),
                p.real("lambda"),
                p.real("alpha"),
                p.integer("threads"),
                XGBoostTrainer.LoggingVerbosity.SILENT,
                seed);
        yield new Built(xgb, Progress.NONE, trees, Set.of());
      }
      default -> throw unknown(name, Task.REGRESSION);
    };
  }

  private static Built sgdClassifier(LabelObjective objective, Params p, long seed, int examples) {
    int minibatch = p.integer("minibatch_size");
    int epochs = p.integer("epochs");
    long total = iterations(epochs, examples, minibatch);
    org.tribuo.classification.sgd.linear.LinearSGDTrainer t =
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
            objective, optimiser(p), epochs, interval(total), minibatch, seed);
    t.setShuffle(p.bool("shuffle"));
    return new Built(t, Progress.SGD_ITERATIONS, total, Set.of());
  }

  private static CARTClassificationTrainer cartClassifier(Params p, long seed, boolean forest) {
    LabelImpurity impurity = p.text("impurity").equals("entropy") ? new Entropy() : new GiniIndex();
    return new CARTClassificationTrainer(
        p.optionalInteger("max_depth").orElse(Integer.MAX_VALUE),
        (float) p.real("min_child_weight"),
        (float) p.real("min_impurity_decrease"),
        (float) p.real("feature_fraction"),
        !forest && p.bool("random_split_points"),
        impurity,
        seed);
  }

  private static CARTRegressionTrainer cartRegressor(Params p, long seed, boolean forest) {
    RegressorImpurity impurity =
        p.text("impurity").equals("mae") ? new MeanAbsoluteError() : new MeanSquaredError();
    return new CARTRegressionTrainer(
        p.optionalInteger("max_depth").orElse(Integer.MAX_VALUE),
        (float) p.real("min_child_weight"),
        (float) p.real("min_impurity_decrease"),
        (float) p.real("feature_fraction"),
        !forest && p.bool("random_split_points"),
        impurity,
        seed);
  }

  private static XGBoostTrainer.TreeMethod treeMethod(Params p) {
    return XGBoostTrainer.TreeMethod.valueOf(
        p.text("tree_method").toUpperCase(java.util.Locale.ROOT));
  }

  private static StochasticGradientOptimiser optimiser(Params p) {
    String name = p.text("optimizer");
    java.util.Optional<Double> rate = p.optionalReal("learning_rate");
    return switch (name) {
      case "adagrad" -> new AdaGrad(rate.orElse(1.0), 0.1);
      case "adam" -> new Adam(rate.orElse(0.001), 0.9, 0.999, 1e-8);
      case "rmsprop" -> new RMSProp(rate.orElse(0.001), 0.9);
      case "sgd" -> SGD.getSimpleSGD(rate.orElse(0.1));
      default ->
          throw new IllegalStateException("optimizer '" + name + "' is in the schema but not here");
    };
  }

  /** Gradient steps in a run: epochs times minibatches per epoch. */
  private static long iterations(int epochs, int examples, int minibatch) {
    return (long) epochs * ((examples + minibatch - 1) / minibatch);
  }

  /** About 200 progress events per run, whatever its length. */
  private static int interval(long total) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, total / 200));
  }

  private static IllegalStateException unknown(String name, Task task) {
    return new IllegalStateException(
        "trainer '"
            + name
            + "' passed the schema for "
            + task.yamlName()
            + " but has no implementation");
  }
}
