package dev.mlci.core.eval;

import dev.mlci.core.config.Metric;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.TribuoData;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.ArrayList;
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

  /** Predicts every test row with {@code model} and computes the configured metrics. */
  @SuppressWarnings("unchecked")
  public static Evaluation evaluate(
      MlConfig config, FeatureSpec spec, Model<?> model, List<DataRow> test) {
    List<Metric> metrics =
        config.metrics().stream().map(id -> Metric.byId(id).orElseThrow()).toList();
    List<String> unseen = unseenLevels(spec, test);
    String[] names = spec.featureNames().toArray(String[]::new);
    List<String> ids = test.stream().map(DataRow::id).toList();
    if (spec.target().isClassification()) {
      Model<Label> m = (Model<Label>) model;
      List<Example<Label>> examples = new ArrayList<>(test.size());
      for (DataRow row : test) {
        examples.add(TribuoData.example(spec, names, row, LabelFactory.UNKNOWN_LABEL));
      }
      List<Prediction<Label>> predicted = m.predict(examples);
      List<String> classes = spec.target().classes();
      int n = test.size();
      int[] truth = new int[n];
      int[] guess = new int[n];
      double[][] scores = new double[n][classes.size()];
      for (int i = 0; i < n; i++) {
        truth[i] = classes.indexOf(test.get(i).label());
        Map<String, Label> byClass = predicted.get(i).getOutputScores();
        for (int c = 0; c < classes.size(); c++) {
          Label l = byClass.get(classes.get(c));
          scores[i][c] = l == null ? 0.0 : l.getScore();
        }
        guess[i] = classes.indexOf(predicted.get(i).getOutput().getLabel());
      }
      int positive = spec.target().positiveClass().map(classes::indexOf).orElse(-1);
      ClassificationPredictions p =
          new ClassificationPredictions(
              ids, classes, truth, guess, scores, m.generatesProbabilities(), positive);
      return new Evaluation(p, ClassificationMetrics.compute(metrics, p, null), unseen);
    }
    Model<Regressor> m = (Model<Regressor>) model;
    List<Example<Regressor>> examples = new ArrayList<>(test.size());
    for (DataRow row : test) {
      examples.add(TribuoData.example(spec, names, row, RegressionFactory.UNKNOWN_REGRESSOR));
    }
    List<Prediction<Regressor>> predicted = m.predict(examples);
    double[] truth = test.stream().mapToDouble(DataRow::target).toArray();
    double[] guess = predicted.stream().mapToDouble(pr -> pr.getOutput().getValues()[0]).toArray();
    RegressionPredictions p = new RegressionPredictions(ids, truth, guess);
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
