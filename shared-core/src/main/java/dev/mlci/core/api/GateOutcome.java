package dev.mlci.core.api;

import dev.mlci.core.gate.GateFiles;
import dev.mlci.core.gate.GateResult;
import dev.mlci.core.gate.Interval;
import dev.mlci.core.gate.RuleResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci gate} produced. Faces read it through the accessors below ({@link #verdict()},
 * {@link #rules()}, ...), which speak only the api's types; {@link #result()} is the engine's full
 * result, which the reports are written from.
 *
 * @param result the decision and its reasons
 * @param gateDir where the reports are (gate.json, gate.md, gate-junit.xml, gate.html)
 * @param target the target branch used
 * @param files the report files
 * @param millis wall time of the step
 * @param tracked where the run was recorded (local record, MLflow)
 */
public record GateOutcome(
    GateResult result,
    Path gateDir,
    String target,
    List<String> files,
    long millis,
    TrackedRun tracked) {
  public GateOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(gateDir, "gateDir");
    files = List.copyOf(files);
  }

  /**
   * One rule's outcome, as a face prints it.
   *
   * @param verdict {@code PASS}, {@code FAIL} or {@code INCONCLUSIVE}
   * @param rule the rule, e.g. "accuracy may drop by at most 0.02"
   * @param delta the change candidate − baseline in the metric's own units, with its interval
   * @param reason why there is no interval (no baseline, metric undefined), when there is none
   */
  public record Rule(String verdict, String rule, Optional<Delta> delta, Optional<String> reason) {}

  /**
   * A change in a metric's own units: candidate minus baseline, with its confidence interval.
   *
   * @param estimate the point estimate
   * @param lo the interval's lower end
   * @param hi the interval's upper end
   */
  public record Delta(double estimate, double lo, double hi) {}

  /** The exit code faces report: 1 when the build fails, else 0. */
  public int exitCode() {
    return result.failsBuild() ? 1 : 0;
  }

  /** {@code PASS}, {@code FAIL} or {@code INCONCLUSIVE}. */
  public String verdict() {
    return result.verdict().name();
  }

  /** Whether the build fails (a FAIL, or an INCONCLUSIVE that is configured to fail). */
  public boolean failsBuild() {
    return result.failsBuild();
  }

  /** The one-line summary the reports start with. */
  public String headline() {
    return result.headline();
  }

  /** What the gate wants the reader to know beyond the rules. */
  public List<String> notes() {
    return result.notes();
  }

  /**
   * Where the baseline came from: {@code note}, {@code file}, {@code registry}, {@code rebuild}.
   */
  public String baselineSource() {
    return result.baseline().source();
  }

  /** The baseline's commit, when it has one. */
  public Optional<String> baselineCommit() {
    return result.baseline().commit();
  }

  /** The Markdown report (gate.md), the one to show a reviewer. */
  public Path report() {
    return gateDir.resolve(GateFiles.MARKDOWN);
  }

  /** Each rule's outcome, in the order of ml.yaml. */
  public List<Rule> rules() {
    return result.rules().stream().map(GateOutcome::rule).toList();
  }

  private static Rule rule(RuleResult r) {
    // The change in the metric's own units, as in gate.md: candidate minus baseline.
    double sign = r.higherIsBetter() ? 1 : -1;
    Optional<Delta> delta =
        r.interval()
            .map(
                (Interval i) ->
                    new Delta(
                        sign * i.estimate() + 0.0,
                        Math.min(sign * i.lo(), sign * i.hi()) + 0.0,
                        Math.max(sign * i.lo(), sign * i.hi()) + 0.0));
    return new Rule(
        r.verdict().name(),
        r.rule().describe(),
        delta,
        r.reasons().isEmpty() ? Optional.empty() : Optional.of(r.reasons().get(0)));
  }
}
