package dev.mlci.core.train;

import dev.mlci.core.config.Task;
import java.lang.reflect.Field;
import java.util.Map;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * {@code cart} and {@code random-forest} on XGBoost's {@code hist} engine: one boosting round from
 * the constant base score, learning rate 1, no L2 penalty. Such a round grows CART trees:
 *
 * <ul>
 *   <li>At the base score every example has the same hessian {@code h0} (squared error: 1; softmax
 *       over K classes: {@code 2 (1/K)(1 - 1/K)}), so XGBoost's gain {@code G_L²/H_L + G_R²/H_R -
 *       G²/H} is the reduction of the squared error of the target (regression) or of the class
 *       indicator (classification): the MSE criterion and, for two classes, the Gini criterion.
 *       With more classes XGBoost grows one tree per class (one-vs-rest).
 *   <li>A leaf's value {@code -G/H} is the mean residual: the leaf mean for regression, and for
 *       classification a value monotone in the leaf's class fraction (so rankings, hence ROC AUC,
 *       are the tree's; probabilities are one Newton step from 1/K, less extreme than the
 *       fraction).
 *   <li>"at least n examples in a leaf" is {@code min_child_weight = n h0}; the fraction of
 *       features tried at each split is {@code colsample_bynode}; unlimited depth is {@code
 *       max_depth 0} with the {@code lossguide} policy.
 *   <li>A forest is {@code num_parallel_tree} such trees in the one round (XGBoost averages their
 *       margins), each on a {@value #FOREST_SUBSAMPLE} subsample of the rows drawn without
 *       replacement (the expected share of distinct rows in a bootstrap sample).
 * </ul>
 *
 * <p>Split points are XGBoost's histogram bins (up to {@value #MAX_BIN} per feature), not every
 * distinct value. The result is an ordinary Tribuo {@code XGBoostModel} (one booster): serialised,
 * served and exported like the {@code xgboost} trainer's models.
 *
 * <p>Parameters XGBoost cannot mean the same way (the entropy or MAE criterion, a minimum impurity
 * decrease, random split points) leave the trainer on Tribuo's CART ({@link #applies}).
 */
final class HistTrees {
  /** Share of rows each forest tree sees. */
  static final double FOREST_SUBSAMPLE = 0.632;

  /**
   * Histogram bins per feature. XGBoost's default, 256, made the benchmark's forest of deep trees
   * 3.7 times slower (every node carries a histogram per feature) for no gain in ROC AUC, and the
   * single tree was no closer to scikit-learn's with it (BENCHMARKS.md).
   */
  static final int MAX_BIN = 64;

  private HistTrees() {}

  /** Whether {@code cart} or {@code random-forest} with these parameters runs on XGBoost. */
  static boolean applies(Task task, Params p, boolean forest) {
    boolean criterion = p.text("impurity").equals(task == Task.CLASSIFICATION ? "gini" : "mse");
    boolean noMinDecrease = p.real("min_impurity_decrease") == 0.0;
    boolean exactSplitPoints = forest || !p.bool("random_split_points");
    return criterion && noMinDecrease && exactSplitPoints;
  }

  /**
   * A classification trainer.
   *
   * @param classes number of classes (K)
   */
  static Trainer<Label> classifier(Params p, long seed, int classes, boolean forest) {
    double k = Math.max(2, classes);
    Settings s = Settings.of(p, forest, 2 * (1 / k) * (1 - 1 / k));
    XGBoostClassificationTrainer t =
        new XGBoostClassificationTrainer(
            XGBoostTrainer.BoosterType.GBTREE,
            XGBoostTrainer.TreeMethod.HIST,
            1,
            1.0,
            0.0,
            s.maxDepth,
            s.minChildWeight,
            s.subsample,
            1.0,
            0.0,
            0.0,
            s.threads,
            XGBoostTrainer.LoggingVerbosity.SILENT,
            seed);
    s.extend(t);
    return t;
  }

  /** A regression trainer (squared error). */
  static Trainer<Regressor> regressor(Params p, long seed, boolean forest) {
    Settings s = Settings.of(p, forest, 1.0);
    XGBoostRegressionTrainer t =
        new XGBoostRegressionTrainer(
            XGBoostTrainer.BoosterType.GBTREE,
            XGBoostTrainer.TreeMethod.HIST,
            XGBoostRegressionTrainer.RegressionType.LINEAR,
            1,
            1.0,
            0.0,
            s.maxDepth,
            s.minChildWeight,
            s.subsample,
            1.0,
            0.0,
            0.0,
            s.threads,
            XGBoostTrainer.LoggingVerbosity.SILENT,
            seed);
    s.extend(t);
    return t;
  }

  /** The XGBoost settings both tasks share. */
  private record Settings(
      int maxDepth,
      double minChildWeight,
      double subsample,
      int threads,
      int trees,
      double featureFraction) {
    static Settings of(Params p, boolean forest, double h0) {
      int depth = p.optionalInteger("max_depth").orElse(0);
      // Just under n h0, so that a leaf of exactly n examples passes despite float rounding; a
      // leaf always holds at least one example.
      double minExamples = Math.max(p.real("min_child_weight"), 1e-3);
      return new Settings(
          depth,
          minExamples * h0 * (1 - 1e-6),
          forest ? FOREST_SUBSAMPLE : 1.0,
          forest ? p.integer("threads") : 1,
          forest ? p.integer("n_trees") : 1,
          p.real("feature_fraction"));
    }

    /**
     * Adds what Tribuo's constructors do not expose to the trainer's XGBoost parameter map. Tribuo
     * documents the map as the trainer's pass-through to XGBoost, but reaches it only from its own
     * constructors (its map-taking constructor resets the values above to Tribuo's defaults).
     */
    void extend(XGBoostTrainer<?> trainer) {
      Map<String, Object> extra =
          Map.of(
              "num_parallel_tree",
              trees,
              "colsample_bynode",
              featureFraction,
              "grow_policy",
              maxDepth == 0 ? "lossguide" : "depthwise",
              "max_leaves",
              0,
              "max_bin",
              MAX_BIN);
      try {
        Field f = XGBoostTrainer.class.getDeclaredField("parameters");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) f.get(trainer);
        parameters.putAll(extra);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException(
            "Tribuo's XGBoostTrainer no longer has its 'parameters' map; the tree trainers need it"
                + " (check the Tribuo version in the parent pom)",
            e);
      }
    }
  }
}
