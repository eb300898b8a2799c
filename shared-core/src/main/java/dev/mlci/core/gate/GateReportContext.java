package dev.mlci.core.gate;

import dev.mlci.core.eval.EvaluationBundle;
import java.util.Objects;
import java.util.Optional;

/**
 * What the reports show besides the result: the two evaluations (for plots), the target and the
 * test settings.
 *
 * @param name the model name
 * @param candidate the candidate's evaluation
 * @param baseline the baseline's evaluation, if any
 * @param target the target branch
 * @param resamples bootstrap resamples
 * @param seed bootstrap seed
 */
public record GateReportContext(
    String name,
    EvaluationBundle candidate,
    Optional<EvaluationBundle> baseline,
    String target,
    int resamples,
    long seed) {
  public GateReportContext {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(target, "target");
  }
}
