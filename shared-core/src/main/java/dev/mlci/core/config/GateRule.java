package dev.mlci.core.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One rule of the gate.
 *
 * @param metric the metric checked
 * @param min absolute lower bound on the candidate's value
 * @param max absolute upper bound on the candidate's value
 * @param maxDrop tolerated worsening versus the baseline, in metric units
 * @param maxRelativeDrop tolerated worsening as a fraction of the baseline's value
 * @param higherIsBetter direction override; empty means the metric's own direction
 * @param test how baseline and candidate are compared
 * @param confidence this rule's confidence; empty means the gate's
 * @param index position in {@code gate.rules} (for messages); -1 for a default rule
 * @param line 1-based line of the rule in ml.yaml (for CI annotations); 0 when unknown
 * @param strict whether {@code min} / {@code max} are checked on the point value (a hard floor)
 *     rather than on the interval of the candidate's value
 */
public record GateRule(
    String metric,
    OptionalDouble min,
    OptionalDouble max,
    OptionalDouble maxDrop,
    OptionalDouble maxRelativeDrop,
    Optional<Boolean> higherIsBetter,
    Test test,
    OptionalDouble confidence,
    int index,
    int line,
    boolean strict) {

  /** A rule with noise-aware bounds. */
  public GateRule(
      String metric,
      OptionalDouble min,
      OptionalDouble max,
      OptionalDouble maxDrop,
      OptionalDouble maxRelativeDrop,
      Optional<Boolean> higherIsBetter,
      Test test,
      OptionalDouble confidence,
      int index,
      int line) {
    this(
        metric,
        min,
        max,
        maxDrop,
        maxRelativeDrop,
        higherIsBetter,
        test,
        confidence,
        index,
        line,
        false);
  }

  /** A rule with no known place in ml.yaml. */
  public GateRule(
      String metric,
      OptionalDouble min,
      OptionalDouble max,
      OptionalDouble maxDrop,
      OptionalDouble maxRelativeDrop,
      Optional<Boolean> higherIsBetter,
      Test test,
      OptionalDouble confidence,
      int index) {
    this(metric, min, max, maxDrop, maxRelativeDrop, higherIsBetter, test, confidence, index, 0);
  }

  public GateRule {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(test, "test");
  }

  /** The default rule for a metric: no worsening beyond what the test can tell from noise. */
  public static GateRule noDrop(String metric) {
    return tolerated(metric, OptionalDouble.of(0), OptionalDouble.empty());
  }

  /** A default rule: the paired bootstrap with this tolerance. */
  public static GateRule tolerated(
      String metric, OptionalDouble maxDrop, OptionalDouble maxRelativeDrop) {
    return new GateRule(
        metric,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        maxDrop,
        maxRelativeDrop,
        Optional.empty(),
        Test.PAIRED_BOOTSTRAP,
        OptionalDouble.empty(),
        -1);
  }

  /** Whether the rule compares with a baseline (else it has absolute bounds only). */
  public boolean comparesWithBaseline() {
    return maxDrop.isPresent() || maxRelativeDrop.isPresent();
  }

  /** Whether larger values of the metric are better, honouring the override. */
  public boolean higherIsBetterFor(Metric m) {
    return higherIsBetter.orElse(m.higherIsBetter());
  }

  /** A short description, e.g. {@code roc_auc max_drop 0.01 (paired-bootstrap)}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(metric);
    min.ifPresent(v -> sb.append(" min ").append(number(v)));
    max.ifPresent(v -> sb.append(" max ").append(number(v)));
    if (strict && (min.isPresent() || max.isPresent())) {
      sb.append(" strict");
    }
    maxDrop.ifPresent(v -> sb.append(" max_drop ").append(number(v)));
    maxRelativeDrop.ifPresent(v -> sb.append(" max_relative_drop ").append(number(v)));
    if (comparesWithBaseline()) {
      sb.append(" (").append(test.yamlName()).append(')');
    }
    return sb.toString();
  }

  /** {@code 0.01} as written, {@code 0} rather than {@code 0.0}. */
  private static String number(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** How a rule compares baseline and candidate. */
  public enum Test {
    PAIRED_BOOTSTRAP,
    MCNEMAR,
    NONE;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Test fromYaml(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }
}
