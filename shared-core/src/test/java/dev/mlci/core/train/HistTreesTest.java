package dev.mlci.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The tree trainers on XGBoost: what XGBoost itself reports about the trees it grew (its model dump
 * with statistics) matches what the parameters ask for.
 */
class HistTreesTest {
  private static final Pattern LEAF_COVER = Pattern.compile("leaf=\\S+,cover=([0-9.e+-]+)");
  private static final Pattern DEPTH = Pattern.compile("(?m)^(\\t*)\\d+:");

  @Test
  void forest_growsNTreesPerClassInOneRound() throws Exception {
    Booster booster = booster(HistTrees.classifier(forestParams(1, 5.0), 3, 2, true).train(data()));

    // Tribuo trains two classes as a two-class softmax: one tree per class per forest tree.
    assertThat(booster.getModelDump((String) null, true)).hasSize(2 * 5);
  }

  @Test
  void minChildWeight_isAMinimumNumberOfExamplesPerLeaf() throws Exception {
    int n = 7;
    Booster booster = booster(HistTrees.classifier(forestParams(1, n), 3, 2, true).train(data()));

    // cover is the leaf's hessian sum: n examples at the base score weigh n * 2 (1/2)(1/2).
    double smallest = Double.MAX_VALUE;
    for (String tree : booster.getModelDump((String) null, true)) {
      Matcher m = LEAF_COVER.matcher(tree);
      while (m.find()) {
        smallest = Math.min(smallest, Double.parseDouble(m.group(1)));
      }
    }
    // ... and the trees grow down to it: some leaf holds fewer than 2n examples.
    assertThat(smallest).isGreaterThanOrEqualTo(n * 0.5 * (1 - 1e-5)).isLessThan(2 * n * 0.5);
  }

  @Test
  void unlimitedDepth_growsPastXgboostsDefaultOfSix() throws Exception {
    Booster booster = booster(HistTrees.classifier(cartParams(), 3, 2, false).train(data()));

    int deepest = 0;
    for (String tree : booster.getModelDump((String) null, false)) {
      Matcher m = DEPTH.matcher(tree);
      while (m.find()) {
        deepest = Math.max(deepest, m.group(1).length());
      }
    }
    assertThat(deepest).isGreaterThan(6);
  }

  @Test
  void threads_doNotChangeTheModel() {
    MutableDataset<Label> data = data();
    Model<Label> one = HistTrees.classifier(forestParams(1, 1.0), 3, 2, true).train(data);
    Model<Label> two = HistTrees.classifier(forestParams(2, 1.0), 3, 2, true).train(data);

    for (var example : data) {
      Prediction<Label> a = one.predict(example);
      Prediction<Label> b = two.predict(example);
      assertThat(b.getOutputScores().get("p").getScore())
          .isEqualTo(a.getOutputScores().get("p").getScore());
    }
  }

  @Test
  void applies_onlyWhereXgboostMeansTheSame() {
    assertThat(HistTrees.applies(Task.CLASSIFICATION, cartParams(), false)).isTrue();
    Map<String, Object> entropy = new HashMap<>(cartMap());
    entropy.put("impurity", "entropy");
    assertThat(HistTrees.applies(Task.CLASSIFICATION, new Params(entropy), false)).isFalse();
    Map<String, Object> decrease = new HashMap<>(cartMap());
    decrease.put("min_impurity_decrease", 0.01);
    assertThat(HistTrees.applies(Task.CLASSIFICATION, new Params(decrease), false)).isFalse();
    Map<String, Object> random = new HashMap<>(cartMap());
    random.put("random_split_points", true);
    assertThat(HistTrees.applies(Task.CLASSIFICATION, new Params(random), false)).isFalse();
    Map<String, Object> mse = new HashMap<>(cartMap());
    mse.put("impurity", "mse");
    assertThat(HistTrees.applies(Task.REGRESSION, new Params(mse), false)).isTrue();
  }

  private static Booster booster(Model<Label> model) {
    return ((XGBoostModel<Label>) model).getInnerModels().get(0);
  }

  private static Map<String, Object> cartMap() {
    return Map.of(
        "min_child_weight", 1.0,
        "min_impurity_decrease", 0.0,
        "feature_fraction", 1.0,
        "random_split_points", false,
        "impurity", "gini");
  }

  private static Params cartParams() {
    return new Params(cartMap());
  }

  private static Params forestParams(int threads, double minLeaf) {
    return new Params(
        Map.of(
            "n_trees",
            5,
            "min_child_weight",
            minLeaf,
            "min_impurity_decrease",
            0.0,
            "feature_fraction",
            0.5,
            "impurity",
            "gini",
            "threads",
            threads));
  }

  /** 2,000 rows, four features, a noisy non-linear class boundary. */
  private static MutableDataset<Label> data() {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("t", f), f);
    SplittableRandom rng = new SplittableRandom(3);
    String[] names = {"a", "b", "c", "d"};
    List<ArrayExample<Label>> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextDouble()};
      double s = x[0] * x[1] + Math.sin(3 * x[2]) + 0.5 * rng.nextGaussian();
      rows.add(new ArrayExample<>(new Label(s > 0 ? "p" : "n"), names, x));
    }
    rows.forEach(d::add);
    return d;
  }
}
