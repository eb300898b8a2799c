package dev.mlci.core.train;

import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.mlp.MlpTrainer;
import dev.mlci.format.FeatureSpec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * Turns {@code model.trainer} and {@code model.params} into a configured Tribuo trainer. Parameter
 * names, types, ranges and defaults are declared once, in {@code schema/ml.schema.json}; this class
 * only maps them to Tribuo.
 */
public final class TrainerCatalog {
  /** Trainers whose features are standardised unless {@code model.standardize} says otherwise. */
  private static final Set<String> LINEAR =
      Set.of("logistic", "logistic-sgd", "linear-svm", "linear", "linear-sgd");

  private TrainerCatalog() {}

  /**
   * What a trainer name resolves to.
   *
   * @param trainer the configured Tribuo trainer
   * @param progress how it reports progress
   * @param totalUnits units of work (iterations, trees), or -1 when it reports none
   * @param paramsRead the parameters it was configured from (all declared ones; tests hold that)
   */
  record Built(Trainer<?> trainer, Progress progress, long totalUnits, Set<String> paramsRead) {}

  /** A trainer before the parameters read are known. */
  private record Made(Trainer<?> trainer, Progress progress, long totalUnits) {}

  /** How a trainer reports progress. */
  enum Progress {
    /** Through Tribuo's SGD log lines, one per logging interval of iterations. */
    SGD_ITERATIONS,
    /** Through the L-BFGS trainer's log lines, one per iteration. */
    LBFGS_ITERATIONS,
    /** Through Tribuo's bagging log lines, one per tree. */
    ENSEMBLE_MEMBERS,
    /** Through the mlp trainer's log lines, one per epoch. */
    EPOCHS,
    /** Not at all: one native call (XGBoost) or too fast to matter (CART). */
    NONE
  }

  /** Whether features are standardised by default for {@code trainer}. */
  public static boolean standardizesByDefault(String trainer) {
    // Networks train badly on unscaled inputs, as linear models do.
    return LINEAR.contains(trainer) || trainer.equals("mlp");
  }

  /**
   * Builds the trainer.
   *
   * @param examples number of training examples (sizes the SGD logging interval)
   * @param spec the encoded features and the target (the mlp's inputs and outputs)
   */
  static Built build(Task task, ModelConfig model, int examples, FeatureSpec spec) {
    Params p = new Params(model.params());
    long seed = model.seed();
    Made made =
        model.trainer().equals("mlp")
            ? mlp(p, seed, spec)
            : switch (task) {
              case CLASSIFICATION ->
                  classification(
                      model.trainer(), p, seed, examples, spec.target().classes().size());
              case REGRESSION -> regression(model.trainer(), p, seed, examples);
            };
    return new Built(made.trainer, made.progress, made.totalUnits, p.read());
  }

  private static Made classification(String name, Params p, long seed, int examples, int classes) {
    return switch (name) {
      case "logistic" -> {
        LogisticLbfgsTrainer t =
            new LogisticLbfgsTrainer(p.real("C"), p.integer("max_iter"), p.real("tol"));
        yield new Made(t, Progress.LBFGS_ITERATIONS, t.maxIterations());
      }
      case "logistic-sgd" -> sgdClassifier(new LogMulticlass(), p, seed, examples);
      case "linear-svm" -> sgdClassifier(new Hinge(p.real("margin")), p, seed, examples);
      case "cart" ->
          HistTrees.applies(Task.CLASSIFICATION, p, false)
              ? new Made(HistTrees.classifier(p, seed, classes, false), Progress.NONE, -1)
              : new Made(cartClassifier(p, seed, false), Progress.NONE, -1);
      case "random-forest" -> {
        int trees = p.integer("n_trees");
        if (HistTrees.applies(Task.CLASSIFICATION, p, true)) {
          yield new Made(HistTrees.classifier(p, seed, classes, true), Progress.NONE, -1);
        }
        Trainer<Label> forest =
            new RandomForestTrainer<>(
                cartClassifier(p, seed, true), new FullyWeightedVotingCombiner(), trees, seed);
        yield new Made(forest, Progress.ENSEMBLE_MEMBERS, trees);
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
        yield new Made(xgb, Progress.NONE, -1);
      }
      default -> throw unknown(name, Task.CLASSIFICATION);
    };
  }

  private static Made regression(String name, Params p, long seed, int examples) {
    return switch (name) {
      case "linear" -> new Made(new LeastSquaresTrainer(p.real("alpha")), Progress.NONE, -1);
      case "linear-sgd" -> {
        Sgd sgd = Sgd.of(p, examples);
        LinearSGDTrainer t =
            new LinearSGDTrainer(
                new SquaredLoss(), sgd.optimiser, sgd.epochs, sgd.interval(), sgd.minibatch, seed);
        t.setShuffle(sgd.shuffle);
        yield new Made(t, Progress.SGD_ITERATIONS, sgd.iterations);
      }
      case "cart" ->
          HistTrees.applies(Task.REGRESSION, p, false)
              ? new Made(HistTrees.regressor(p, seed, false), Progress.NONE, -1)
              : new Made(cartRegressor(p, seed, false), Progress.NONE, -1);
      case "random-forest" -> {
        int trees = p.integer("n_trees");
        if (HistTrees.applies(Task.REGRESSION, p, true)) {
          yield new Made(HistTrees.regressor(p, seed, true), Progress.NONE, -1);
        }
        Trainer<Regressor> forest =
            new RandomForestTrainer<>(
                cartRegressor(p, seed, true), new AveragingCombiner(), trees, seed);
        yield new Made(forest, Progress.ENSEMBLE_MEMBERS, trees);
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
        yield new Made(xgb, Progress.NONE, -1);
      }
      default -> throw unknown(name, Task.REGRESSION);
    };
  }

  private static Made mlp(Params p, long seed, FeatureSpec spec) {
    int epochs = p.integer("epochs");
    boolean classification = spec.target().isClassification();
    MlpTrainer<?> t =
        new MlpTrainer<>(
            p.integers("hidden_layers"),
            p.text("activation"),
            p.real("dropout"),
            epochs,
            p.integer("batch_size"),
            p.real("learning_rate"),
            p.text("optimizer"),
            p.real("weight_decay"),
            p.integer("early_stopping_patience"),
            p.real("validation_fraction"),
            seed,
            spec.featureNames(),
            classification ? spec.target().classes() : List.of(),
            spec.target().name());
    return new Made(t, Progress.EPOCHS, epochs);
  }

  private static Made sgdClassifier(LabelObjective objective, Params p, long seed, int examples) {
    Sgd sgd = Sgd.of(p, examples);
    org.tribuo.classification.sgd.linear.LinearSGDTrainer t =
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
            objective, sgd.optimiser, sgd.epochs, sgd.interval(), sgd.minibatch, seed);
    t.setShuffle(sgd.shuffle);
    return new Made(t, Progress.SGD_ITERATIONS, sgd.iterations);
  }

  /** The settings shared by the SGD trainers of both tasks. */
  private record Sgd(
      int epochs,
      int minibatch,
      boolean shuffle,
      StochasticGradientOptimiser optimiser,
      long iterations) {
    static Sgd of(Params p, int examples) {
      int epochs = p.integer("epochs");
      int minibatch = p.integer("minibatch_size");
      // Gradient steps in a run: epochs times minibatches per epoch.
      long iterations = (long) epochs * ((examples + minibatch - 1) / minibatch);
      return new Sgd(epochs, minibatch, p.bool("shuffle"), TrainerCatalog.optimiser(p), iterations);
    }

    /**
     * Iterations between Tribuo's log lines: about 200 progress events per run, whatever its
     * length.
     */
    int interval() {
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, iterations / 200));
    }
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
    return XGBoostTrainer.TreeMethod.valueOf(p.text("tree_method").toUpperCase(Locale.ROOT));
  }

  private static StochasticGradientOptimiser optimiser(Params p) {
    String name = p.text("optimizer");
    Optional<Double> rate = p.optionalReal("learning_rate");
    return switch (name) {
      case "adagrad" -> new AdaGrad(rate.orElse(1.0), 0.1);
      case "adam" -> new Adam(rate.orElse(0.001), 0.9, 0.999, 1e-8);
      case "rmsprop" -> new RMSProp(rate.orElse(0.001), 0.9);
      case "sgd" -> SGD.getSimpleSGD(rate.orElse(0.1));
      default ->
          throw new IllegalStateException("optimizer '" + name + "' is in the schema but not here");
    };
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
