package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The outcome of one rule.
 *
 * @param rule the rule
 * @param higherIsBetter the direction used
 * @param baseline the baseline's value on the compared examples, if there is a baseline and the
 *     metric is defined
 * @param candidate the candidate's value (NaN when undefined)
 * @param interval the interval of the oriented difference, when the rule compares with a baseline
 * @param tolerance the tolerated drop in metric units (0 when the rule has none)
 * @param confidence the interval's confidence
 * @param detectableDrop the smallest true drop beyond the tolerance this test set detects with 80%
 *     power, in metric units; NaN without an interval
 * @param verdict the outcome
 * @param reasons why, one sentence each
 * @param accepted the acceptance that turned a FAIL into ACCEPTED
 * @param seedSpread how far retraining alone moves the metric, with {@code gate.training_noise}
 */
public record RuleResult(
    GateRule rule,
    boolean higherIsBetter,
    OptionalDouble baseline,
    double candidate,
    Optional<Interval> interval,
    double tolerance,
    double confidence,
    double detectableDrop,
    Verdict verdict,
    List<String> reasons,
    Optional<GateConfig.Acceptance> accepted,
    Optional<SeedSpread> seedSpread) {
  public RuleResult {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(accepted, "accepted");
    Objects.requireNonNull(seedSpread, "seedSpread");
  }

  public String metric() {
    return rule.metric();
  }
}
