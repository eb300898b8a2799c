package dev.mlci.core.gate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gate's decision and everything behind it.
 *
 * @param verdict PASS, FAIL or INCONCLUSIVE for the build
 * @param failsBuild whether the build fails (FAIL, or INCONCLUSIVE when configured to fail)
 * @param baseline where the baseline came from (or why there is none)
 * @param candidateCommit the candidate's commit, if known
 * @param pairing how the examples were matched
 * @param rules one result per rule
 * @param notes anything else the reader must know (no baseline, changed test set, stale
 *     acceptances)
 * @param data the data gate's result ({@link DataGateResult#none()} without one); its verdict is
 *     part of {@link #verdict}
 */
public record GateResult(
    Verdict verdict,
    boolean failsBuild,
    BaselineInfo baseline,
    Optional<String> candidateCommit,
    Pairing pairing,
    List<RuleResult> rules,
    List<String> notes,
    DataGateResult data) {
  /** A result of the model rules alone. */
  public GateResult(
      Verdict verdict,
      boolean failsBuild,
      BaselineInfo baseline,
      Optional<String> candidateCommit,
      Pairing pairing,
      List<RuleResult> rules,
      List<String> notes) {
    this(
        verdict,
        failsBuild,
        baseline,
        candidateCommit,
        pairing,
        rules,
        notes,
        DataGateResult.none());
  }

  /**
   * This result with the data gate's: the verdict is the worse of the two, and the build fails as
   * for the model rules (FAIL, or INCONCLUSIVE when {@code inconclusiveFails}).
   */
  public GateResult withData(DataGateResult data, boolean inconclusiveFails) {
    Verdict v = verdict;
    if (data.verdict() == Verdict.FAIL) {
      v = Verdict.FAIL;
    } else if (data.verdict() == Verdict.INCONCLUSIVE && v != Verdict.FAIL) {
      v = Verdict.INCONCLUSIVE;
    }
    boolean fails =
        failsBuild
            || data.verdict() == Verdict.FAIL
            || (data.verdict() == Verdict.INCONCLUSIVE && inconclusiveFails);
    return new GateResult(v, fails, baseline, candidateCommit, pairing, rules, notes, data);
  }

  public GateResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(candidateCommit, "candidateCommit");
    Objects.requireNonNull(pairing, "pairing");
    rules = List.copyOf(rules);
    notes = List.copyOf(notes);
    Objects.requireNonNull(data, "data");
  }

  /**
   * How baseline and candidate examples were matched by id.
   *
   * @param paired whether the comparison is paired (on the {@code common} examples)
   * @param common examples in both, with the same true value
   * @param onlyBaseline examples only the baseline was scored on
   * @param onlyCandidate examples only the candidate was scored on
   * @param changedTruth examples in both whose true value differs (relabelled data), left out of
   *     the pairing
   */
  public record Pairing(
      boolean paired, int common, int onlyBaseline, int onlyCandidate, int changedTruth) {
    public static Pairing none(int candidate) {
      return new Pairing(false, 0, 0, candidate, 0);
    }

    /** Whether baseline and candidate were scored on exactly the same examples. */
    public boolean identical() {
      return paired && onlyBaseline == 0 && onlyCandidate == 0 && changedTruth == 0;
    }
  }

  /** The one-line summary used in logs, PR comments and build descriptions. */
  public String headline() {
    long failed = rules.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
    long unsure = rules.stream().filter(r -> r.verdict() == Verdict.INCONCLUSIVE).count();
    long accepted = rules.stream().filter(r -> r.verdict() == Verdict.ACCEPTED).count();
    StringBuilder sb = new StringBuilder("mlci gate: ").append(verdict);
    sb.append(" (").append(rules.size()).append(rules.size() == 1 ? " rule" : " rules");
    if (failed > 0) {
      sb.append(", ").append(failed).append(" failed");
    }
    if (unsure > 0) {
      sb.append(", ").append(unsure).append(" inconclusive");
    }
    if (accepted > 0) {
      sb.append(", ").append(accepted).append(" accepted");
    }
    sb.append(")");
    if (data.ran()) {
      sb.append("; data ").append(data.verdict());
      long dataFailed = data.failed();
      if (dataFailed > 0) {
        sb.append(" (").append(dataFailed).append(" failed)");
      }
    }
    sb.append(
        baseline.missing()
            ? "; NO BASELINE: " + baseline.description()
            : "; baseline " + baseline.description());
    return sb.toString();
  }
}
