package dev.mlci.core.gate;

import java.util.List;
import java.util.Objects;

/**
 * The data gate's decision: FAIL when a rule FAILs, INCONCLUSIVE when one is, else PASS.
 *
 * @param ran whether the data gate ran (both evaluations hold a data profile and it is enabled)
 * @param verdict the verdict
 * @param rules every rule's outcome: schema rules first, then per split the drift rules, the label
 *     rule and the dataset rule
 * @param notes what the reader must know (no profile, the family-wise level)
 */
public record DataGateResult(
    boolean ran, Verdict verdict, List<DataRuleResult> rules, List<String> notes) {
  public DataGateResult {
    Objects.requireNonNull(verdict, "verdict");
    rules = List.copyOf(rules);
    notes = List.copyOf(notes);
  }

  /** No data gate at all (results built before it, or by a caller without profiles). */
  public static DataGateResult none() {
    return new DataGateResult(false, Verdict.PASS, List.of(), List.of());
  }

  /** The data gate did not run, for {@code why}. */
  public static DataGateResult skipped(String why) {
    return new DataGateResult(false, Verdict.PASS, List.of(), List.of(why));
  }

  /** The drift rules (columns and labels), for the reports' table and chart. */
  public List<DataRuleResult> drift() {
    return rules.stream()
        .filter(r -> r.kind() == DataRuleResult.Kind.DRIFT || r.kind() == DataRuleResult.Kind.LABEL)
        .toList();
  }

  public long failed() {
    return rules.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
  }
}
