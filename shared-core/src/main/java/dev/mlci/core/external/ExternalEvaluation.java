package dev.mlci.core.external;

import dev.mlci.core.config.Metric;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.Rows;
import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.Evaluation;
import dev.mlci.core.eval.RegressionMetrics;
import dev.mlci.core.eval.RegressionPredictions;
import dev.mlci.format.FeatureSpec;
import java.util.List;

/**
 * Scores the test rows with an exported model through ONNX Runtime, the runtime that serves it, so
 * the metrics on the pull request are those of the model that ships.
 */
public final class ExternalEvaluation {
  private ExternalEvaluation() {}

  /** Predictions and the configured metrics, as {@code ModelEvaluation} gives for mlci's models. */
  public static Evaluation evaluate(
      MlConfig config, FeatureSpec spec, OnnxScorer scorer, List<DataRow> test)
      throws OnnxModelException {
    List<Metric> metrics =
        config.metrics().stream().map(id -> Metric.byId(id).orElseThrow()).toList();
    // The loader's rows read from its columns: no row made per id or label.
    Rows columns = test instanceof Rows r ? r : null;
    int n = test.size();
    String[] idArray = new String[n];
    for (int i = 0; i < n; i++) {
      idArray[i] = columns != null ? columns.id(i) : test.get(i).id();
    }
    List<String> ids = List.of(idArray);
    OnnxScorer.Scores scores = scorer.score(test);
    if (spec.target().isClassification()) {
      List<String> classes = spec.target().classes();
      int[] truth = new int[n];
      int[] guess = new int[n];
      for (int i = 0; i < n; i++) {
        truth[i] = classes.indexOf(columns != null ? columns.label(i) : test.get(i).label());
        guess[i] =
            scores.labels() != null
                ? classes.indexOf(scores.labels()[i])
                : argmax(scores.probabilities()[i]);
      }
      int positive = spec.target().positiveClass().map(classes::indexOf).orElse(-1);
      ClassificationPredictions p =
          new ClassificationPredictions(
              ids, classes, truth, guess, scores.probabilities(), true, positive);
      return new Evaluation(p, ClassificationMetrics.compute(metrics, p, null), List.of());
    }
    double[] truth = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = columns != null ? columns.target(i) : test.get(i).target();
    }
    RegressionPredictions p = new RegressionPredictions(ids, truth, scores.values());
    return new Evaluation(p, RegressionMetrics.compute(metrics, p, null), List.of());
  }

  private static int argmax(double[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }
}
