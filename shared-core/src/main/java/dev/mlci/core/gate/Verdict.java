package dev.mlci.core.gate;

/** The outcome of a rule, and of the gate as a whole. */
public enum Verdict {
  /** The candidate meets the rule: the whole interval lies above the tolerated drop. */
  PASS,
  /**
   * The candidate is worse than tolerated, beyond noise: the whole interval lies below the
   * tolerated drop.
   */
  FAIL,
  /**
   * The interval straddles the tolerated drop: this test set cannot tell. A warning unless
   * configured to fail.
   */
  INCONCLUSIVE,
  /**
   * A FAIL that ml.yaml's {@code gate.accept} accepts against this baseline commit; does not fail
   * the build.
   */
  ACCEPTED;

  /** How bad a verdict is for the build: FAIL > INCONCLUSIVE > PASS = ACCEPTED. */
  int severity() {
    return switch (this) {
      case FAIL -> 2;
      case INCONCLUSIVE -> 1;
      case PASS, ACCEPTED -> 0;
    };
  }
}
