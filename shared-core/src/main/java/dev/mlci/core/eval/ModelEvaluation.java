package dev.mlci.core.eval;

import dev.mlci.core.config.Metric;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.TribuoData;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Scores a model on the test rows: per-example predictions, then the metrics. */
public final class ModelEvaluation {
  private ModelEvaluation() {}

  /** Test rows scored at a time: the examples and Tribuo's predictions of one block are held. */
  static final int BLOCK = 4096;

  /**
   * Predicts every test row with {@code model} and computes the configured metrics. The rows are
   * scored in blocks of {@value #BLOCK}, each row turned into an example once; what is kept of the
   * whole set is the id, the truth and the scores of each row.
   */
  public static Evaluation evaluate(
      MlConfig config, FeatureSpec spec, Model<?> model, List<DataRow> test) {
    return evaluate(config, spec, model, test, ProgressListener.NONE);
  }

  /**
   * As {@link #evaluate(MlConfig, FeatureSpec, Model, List)}, telling {@code progress} the rows
   * scored after each block (a task of {@code test.size()} rows the caller started).
   */
  @SuppressWarnings("unchecked")
  public static Evaluation evaluate(
      MlConfig config,
      FeatureSpec spec,
      Model<?> model,
      List<DataRow> test,
      ProgressListener progress) {
    List<Metric> metrics =
        config.metrics().stream().map(id -> Metric.byId(id).orElseThrow()).toList();
    List<String> unseen = unseenLevels(spec, test);
    String[] names = spec.featureNames().toArray(String[]::new);
    int n = test.size();
    String[] ids = new String[n];
    if (spec.target().isClassification()) {
      Model<Label> m = (Model<Label>) model;
      List<String> classes = spec.target().classes();
      Map<String, Integer> classIndex = new HashMap<>();
      for (int c = 0; c < classes.size(); c++) {
        classIndex.put(classes.get(c), c);
      }
      int[] truth = new int[n];
      int[] guess = new int[n];
      double[][] scores = new double[n][classes.size()];
      List<Example<Label>> block = new ArrayList<>(Math.min(n, BLOCK));
      for (int from = 0; from < n; from += BLOCK) {
        int to = Math.min(n, from + BLOCK);
        block.clear();
        for (int i = from; i < to; i++) {
          DataRow row = test.get(i);
          ids[i] = row.id();
          truth[i] = classIndex.getOrDefault(row.label(), -1);
          block.add(TribuoData.example(spec, names, row, LabelFactory.UNKNOWN_LABEL));
        }
        List<Prediction<Label>> predicted = m.predict(block);
        for (int i = from; i < to; i++) {
          Prediction<Label> p = predicted.get(i - from);
          Map<String, Label> byClass = p.getOutputScores();
          for (int c = 0; c < classes.size(); c++) {
            Label l = byClass.get(classes.get(c));
            scores[i][c] = l == null ? 0.0 : l.getScore();
          }
          guess[i] = classIndex.getOrDefault(p.getOutput().getLabel(), -1);
        }
        progress.advance(to);
      }
      int positive = spec.target().positiveClass().map(classes::indexOf).orElse(-1);
      ClassificationPredictions p =
          new ClassificationPredictions(
              Arrays.asList(ids),
              classes,
              truth,
              guess,
              scores,
              m.generatesProbabilities(),
              positive);
      return new Evaluation(p, ClassificationMetrics.compute(metrics, p, null), unseen);
    }
    Model<Regressor> m = (Model<Regressor>) model;
    double[] truth = new double[n];
    double[] guess = new double[n];
    List<Example<Regressor>> block = new ArrayList<>(Math.min(n, BLOCK));
    for (int from = 0; from < n; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      block.clear();
      for (int i = from; i < to; i++) {
        DataRow row = test.get(i);
        ids[i] = row.id();
        truth[i] = row.target();
        block.add(TribuoData.example(spec, names, row, RegressionFactory.UNKNOWN_REGRESSOR));
      }
      List<Prediction<Regressor>> predicted = m.predict(block);
      for (int i = from; i < to; i++) {
        guess[i] = predicted.get(i - from).getOutput().getValues()[0];
      }
      progress.advance(to);
    }
    RegressionPredictions p = new RegressionPredictions(Arrays.asList(ids), truth, guess);
    return new Evaluation(p, RegressionMetrics.compute(metrics, p, null), unseen);
  }

  /**
   * The first prediction that is not a finite number ({@code "example 'id': predicted NaN"}), if
   * any: such predictions cannot be compared by the gate, so evaluate refuses them.
   */
  public static Optional<String> nonFinite(Predictions predictions) {
    if (predictions instanceof RegressionPredictions r) {
      for (int i = 0; i < r.size(); i++) {
        if (!Double.isFinite(r.predicted()[i])) {
          return Optional.of("example '" + r.ids().get(i) + "': predicted " + r.predicted()[i]);
        }
      }
      return Optional.empty();
    }
    ClassificationPredictions c = (ClassificationPredictions) predictions;
    for (int i = 0; i < c.size(); i++) {
      for (int k = 0; k < c.scores()[i].length; k++) {
        if (!Double.isFinite(c.scores()[i][k])) {
          return Optional.of(
              "example '"
                  + c.ids().get(i)
                  + "': score "
                  + c.scores()[i][k]
                  + " for class '"
                  + c.classes().get(k)
                  + "'");
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> unseenLevels(FeatureSpec spec, List<DataRow> rows) {
    List<String> unseen = new ArrayList<>();
    List<ColumnSpec> columns = spec.columns();
    if (columns.stream().noneMatch(c -> c.kind() == ColumnSpec.Kind.CATEGORICAL)) {
      return unseen;
    }
    for (DataRow row : rows) {
      for (int i = 0; i < columns.size(); i++) {
        String level = row.categorical()[i];
        if (columns.get(i).kind() == ColumnSpec.Kind.CATEGORICAL
            && level != null
            && !spec.knowsLevel(i, level)) {
          unseen.add(
              row.file()
                  + " row "
                  + row.row()
                  + ", column '"
                  + columns.get(i).name()
                  + "': '"
                  + level
                  + "'");
        }
      }
    }
    return unseen;
  }
}
