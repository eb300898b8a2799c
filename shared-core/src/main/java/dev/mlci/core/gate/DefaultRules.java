package dev.mlci.core.gate;

import dev.mlci.core.config.GateRule;
import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The rules of an ml.yaml without {@code gate.rules}: one primary metric per task gates, the other
 * reported metrics are reported beside it. One gating rule, because at a tolerance of 0 most rules
 * on equal models are INCONCLUSIVE, and several rules only add chances of a red build; a tolerance
 * because "no drop at all" cannot be confirmed by any finite test set.
 *
 * <ul>
 *   <li>binary classification: {@code roc_auc} (threshold-free), {@code max_drop} {@value
 *       #DEFAULT_MAX_DROP}; multiclass: {@code accuracy}, {@code max_drop} {@value
 *       #DEFAULT_MAX_DROP}
 *   <li>regression: {@code rmse}, {@code max_relative_drop} {@value #DEFAULT_MAX_RELATIVE_DROP} (2%
 *       worse)
 * </ul>
 *
 * When the primary metric is not reported or undefined (no scores), the first reported metric that
 * is defined gates instead, with the tolerance of its kind.
 *
 * @param rules the gating rules
 * @param reportedOnly the other reported metrics, reported with their change
 * @param notes what the reader should know (a metric that could not be gated)
 */
public record DefaultRules(List<GateRule> rules, List<String> reportedOnly, List<String> notes) {
  /** Default tolerated drop of metrics in [0, 1] (accuracy, ROC AUC, F1, R²). */
  public static final double DEFAULT_MAX_DROP = 0.01;

  /** Default tolerated relative worsening of error metrics (RMSE, MAE, log loss). */
  public static final double DEFAULT_MAX_RELATIVE_DROP = 0.02;

  public DefaultRules {
    rules = List.copyOf(rules);
    reportedOnly = List.copyOf(reportedOnly);
    notes = List.copyOf(notes);
  }

  /** The default rules for {@code candidate}'s task. */
  public static DefaultRules of(List<String> reportedMetrics, EvaluationBundle candidate) {
    List<String> notes = new ArrayList<>();
    List<String> defined = new ArrayList<>();
    for (String metric : reportedMetrics) {
      if (candidate.undefined().containsKey(metric)) {
        notes.add(metric + " is not gated: " + candidate.undefined().get(metric) + ".");
      } else {
        defined.add(metric);
      }
    }
    String primary;
    if (candidate.predictions() instanceof ClassificationPredictions c) {
      primary = c.classes().size() == 2 ? "roc_auc" : "accuracy";
    } else {
      primary = "rmse";
    }
    String gated = defined.contains(primary) ? primary : defined.isEmpty() ? null : defined.get(0);
    if (gated == null) {
      return new DefaultRules(List.of(), List.of(), notes);
    }
    List<String> others = new ArrayList<>(defined);
    others.remove(gated);
    return new DefaultRules(List.of(rule(gated)), others, notes);
  }

  /** The default rule for {@code metric}. */
  public static GateRule rule(String metric) {
    Metric m = Metric.byId(metric).orElseThrow();
    boolean error = m == Metric.RMSE || m == Metric.MAE || m == Metric.LOG_LOSS;
    return error
        ? GateRule.tolerated(
            metric, OptionalDouble.empty(), OptionalDouble.of(DEFAULT_MAX_RELATIVE_DROP))
        : GateRule.tolerated(metric, OptionalDouble.of(DEFAULT_MAX_DROP), OptionalDouble.empty());
  }
}
