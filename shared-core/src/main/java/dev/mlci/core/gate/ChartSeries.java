package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.Arrays;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The data the gate.html plots draw: ROC and precision-recall points (thinned), per-class F1,
 * sampled residuals and the positive class's prevalence.
 */
final class ChartSeries {
  /**
   * Thinning: a curve's next point is drawn once it has moved at least 1/{@value} of the unit
   * square from the last one drawn (plus the first and last), so a curve costs a few hundred points
   * however many examples there are.
   */
  static final int CURVE_RESOLUTION = 250;

  /** Most points drawn per scatter; more add bytes, not information, at this size. */
  static final int MAX_POINTS = 300;

  private ChartSeries() {}

  static double prevalence(ClassificationPredictions p) {
    long positives = Arrays.stream(p.truth()).filter(t -> t == p.positive()).count();
    return p.size() == 0 ? 0 : (double) positives / p.size();
  }

  /** ROC and precision-recall points of the positive class, thresholds at each distinct score. */
  static void curves(
      ClassificationPredictions p, String name, XYSeriesCollection roc, XYSeriesCollection pr) {
    int n = p.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int pos = p.positive();
    Arrays.sort(order, (a, b) -> Double.compare(p.scores()[b][pos], p.scores()[a][pos]));
    long positives = Arrays.stream(p.truth()).filter(t -> t == pos).count();
    long negatives = n - positives;
    XYSeries r = new XYSeries(name, false, true);
    XYSeries q = new XYSeries(name, false, true);
    r.add(0, 0);
    double step = 1.0 / CURVE_RESOLUTION;
    double lastFpr = 0;
    double lastTpr = 0;
    double lastRecall = Double.NaN;
    double lastPrecision = Double.NaN;
    long tp = 0;
    long fp = 0;
    for (int k = 0; k < n; k++) {
      if (p.truth()[order[k]] == pos) {
        tp++;
      } else {
        fp++;
      }
      boolean last = k == n - 1;
      if (!last && p.scores()[order[k + 1]][pos] == p.scores()[order[k]][pos]) {
        continue; // a threshold lies only between distinct scores
      }
      double fpr = negatives == 0 ? 0 : (double) fp / negatives;
      double tpr = positives == 0 ? 0 : (double) tp / positives;
      if (last || Math.abs(fpr - lastFpr) + Math.abs(tpr - lastTpr) >= step) {
        r.add(fpr, tpr);
        lastFpr = fpr;
        lastTpr = tpr;
      }
      double precision = (double) tp / (tp + fp);
      if (last
          || Double.isNaN(lastRecall)
          || Math.abs(tpr - lastRecall) + Math.abs(precision - lastPrecision) >= step) {
        q.add(tpr, precision);
        lastRecall = tpr;
        lastPrecision = precision;
      }
    }
    roc.addSeries(r);
    pr.addSeries(q);
  }

  static void perClassF1(ClassificationPredictions p, String name, DefaultCategoryDataset data) {
    long[][] cm = ClassificationMetrics.confusion(p, null);
    for (int c = 0; c < p.classes().size(); c++) {
      long tp = cm[c][c];
      long predicted = 0;
      for (long[] row : cm) {
        predicted += row[c];
      }
      long actual = ClassificationMetrics.actual(cm, c);
      data.addValue(
          predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual), name, p.classes().get(c));
    }
  }

  static XYSeries residuals(RegressionPredictions p, String name) {
    XYSeries s = new XYSeries(name, false, true);
    int step = Math.max(1, (p.size() + MAX_POINTS - 1) / MAX_POINTS);
    for (int i = 0; i < p.size(); i += step) {
      s.add(p.predicted()[i], p.truth()[i] - p.predicted()[i]);
    }
    return s;
  }
}
