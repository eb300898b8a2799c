package dev.mlci.core.eval;

import java.util.List;

/** Per-example predictions on the test set, keyed by example id. */
public sealed interface Predictions permits ClassificationPredictions, RegressionPredictions {
  /** Example ids, one per prediction. */
  List<String> ids();

  /** Number of examples. */
  int size();
}
