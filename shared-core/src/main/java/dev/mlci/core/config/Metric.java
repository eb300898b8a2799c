package dev.mlci.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The metrics mlci computes, with the task they belong to and the direction in which they improve.
 * Names match scikit-learn's where one exists, and the code is cross-checked against {@code
 * sklearn.metrics}.
 */
public enum Metric {
  ACCURACY("accuracy", Task.CLASSIFICATION, true),
  /** Mean of per-class recall over the classes present in the truth. */
  BALANCED_ACCURACY("balanced_accuracy", Task.CLASSIFICATION, true),
  PRECISION_MACRO("precision_macro", Task.CLASSIFICATION, true),
  RECALL_MACRO("recall_macro", Task.CLASSIFICATION, true),
  F1_MACRO("f1_macro", Task.CLASSIFICATION, true),
  /** Binary: AUC of the positive class. Multiclass: one-vs-rest, macro-averaged. */
  ROC_AUC("roc_auc", Task.CLASSIFICATION, true),
  /** Cross-entropy of the predicted probabilities; only for models that produce probabilities. */
  LOG_LOSS("log_loss", Task.CLASSIFICATION, false),
  RMSE("rmse", Task.REGRESSION, false),
  MAE("mae", Task.REGRESSION, false),
  R2("r2", Task.REGRESSION, true);

  private final String id;
  private final Task task;
  private final boolean higherIsBetter;

  Metric(String id, Task task, boolean higherIsBetter) {
    this.id = id;
    this.task = task;
    this.higherIsBetter = higherIsBetter;
  }

  /** The name in ml.yaml and metrics.json. */
  public String id() {
    return id;
  }

  public Task task() {
    return task;
  }

  /** Whether a larger value is a better model. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Every metric of {@code task}, in report order. */
  public static List<Metric> of(Task task) {
    return Arrays.stream(values()).filter(m -> m.task == task).toList();
  }

  public static Optional<Metric> byId(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
  }
}
