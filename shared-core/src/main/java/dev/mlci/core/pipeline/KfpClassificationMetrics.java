package dev.mlci.core.pipeline;

import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The metadata of a {@code system.ClassificationMetrics} artifact in the shape the {@code kfp}
 * SDK's {@code dsl.ClassificationMetrics} writes and Kubeflow's UI draws: {@code confusionMatrix}
 * ({@code annotationSpecs} with each class's {@code displayName}, {@code rows} of {@code row}
 * counts; rows the truth, columns the prediction) and, for a binary classifier, the ROC curve as
 * {@code confidenceMetrics} ({@code confidenceThreshold}, {@code recall}, {@code
 * falsePositiveRate}) at most {@value #MAX_POINTS} points, from the positive class's scores.
 */
public final class KfpClassificationMetrics {
  /** The ROC curve's points at most (the UI draws a line; thousands of points add nothing). */
  public static final int MAX_POINTS = 201;

  private KfpClassificationMetrics() {}

  /** The artifact's metadata for {@code p}. */
  public static ObjectNode metadata(ClassificationPredictions p) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    ObjectNode cm = m.putObject("confusionMatrix");
    ArrayNode specs = cm.putArray("annotationSpecs");
    p.classes().forEach(c -> specs.addObject().put("displayName", c));
    ArrayNode rows = cm.putArray("rows");
    for (long[] r : ClassificationMetrics.confusion(p, null)) {
      ArrayNode row = rows.addObject().putArray("row");
      for (long v : r) {
        row.add(v);
      }
    }
    if (p.positive() >= 0) {
      ArrayNode roc = m.putArray("confidenceMetrics");
      for (double[] point : roc(p)) {
        roc.addObject()
            .put("confidenceThreshold", point[0])
            .put("recall", point[1])
            .put("falsePositiveRate", point[2]);
      }
    }
    return m;
  }

  /**
   * The ROC curve of a binary classifier: {@code [threshold, true positive rate, false positive
   * rate]} at each distinct score of the positive class, highest first (predicting positive at
   * score {@code >=} threshold), thinned evenly to {@value #MAX_POINTS} points keeping the last.
   */
  static List<double[]> roc(ClassificationPredictions p) {
    int n = p.size();
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    double[] score = new double[n];
    for (int i = 0; i < n; i++) {
      score[i] = p.scores()[i][p.positive()];
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
    long positives = Arrays.stream(p.truth()).filter(t -> t == p.positive()).count();
    long negatives = n - positives;
    List<double[]> all = new ArrayList<>();
    long tp = 0;
    long fp = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      if (p.truth()[i] == p.positive()) {
        tp++;
      } else {
        fp++;
      }
      if (k == n - 1 || score[order[k + 1]] != score[i]) {
        all.add(
            new double[] {
              score[i],
              positives == 0 ? 0 : (double) tp / positives,
              negatives == 0 ? 0 : (double) fp / negatives
            });
      }
    }
    if (all.size() <= MAX_POINTS) {
      return all;
    }
    List<double[]> thin = new ArrayList<>();
    for (int j = 0; j < MAX_POINTS; j++) {
      thin.add(all.get((int) Math.round((double) j * (all.size() - 1) / (MAX_POINTS - 1))));
    }
    return thin;
  }
}
