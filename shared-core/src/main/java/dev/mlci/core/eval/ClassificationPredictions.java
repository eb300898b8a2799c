package dev.mlci.core.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Per-example predictions of a classifier on the test set.
 *
 * @param ids example ids
 * @param classes the model's classes, in mlci's order; indices below refer to this list
 * @param truth per example, the true class index
 * @param predicted per example, the predicted class index
 * @param scores per example, one score per class: probabilities when {@code probabilities}, else
 *     decision scores
 * @param probabilities whether scores are probabilities (rows sum to 1)
 * @param positive binary classification: index of the positive class; -1 for multiclass
 */
public record ClassificationPredictions(
    List<String> ids,
    List<String> classes,
    int[] truth,
    int[] predicted,
    double[][] scores,
    boolean probabilities,
    int positive)
    implements Predictions {

  public ClassificationPredictions {
    ids = List.copyOf(ids);
    classes = List.copyOf(classes);
    Objects.requireNonNull(truth, "truth");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(scores, "scores");
    int n = ids.size();
    if (truth.length != n || predicted.length != n || scores.length != n) {
      throw new IllegalArgumentException(
          "ids, truth, predicted and scores must have one entry per example: "
              + n
              + ", "
              + truth.length
              + ", "
              + predicted.length
              + ", "
              + scores.length);
    }
    if (classes.size() < 2) {
      throw new IllegalArgumentException("a classifier has at least two classes, got " + classes);
    }
    if (positive >= classes.size() || (classes.size() == 2) != (positive >= 0)) {
      throw new IllegalArgumentException(
          "positive must be a class index for binary problems and -1 otherwise, got " + positive);
    }
    if (new HashSet<>(classes).size() != classes.size()) {
      throw new IllegalArgumentException("classes repeat a name: " + classes);
    }
    int k = classes.size();
    for (int i = 0; i < n; i++) {
      if (truth[i] < 0 || truth[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
        throw new IllegalArgumentException(
            "example "
                + ids.get(i)
                + ": class index out of range (truth "
                + truth[i]
                + ", predicted "
                + predicted[i]
                + ", "
                + k
                + " classes)");
      }
      if (scores[i] == null || scores[i].length != k) {
        throw new IllegalArgumentException("example " + ids.get(i) + ": expected " + k + " scores");
      }
    }
  }

  @Override
  public int size() {
    return ids.size();
  }
}
