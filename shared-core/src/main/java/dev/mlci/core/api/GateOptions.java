package dev.mlci.core.api;

import dev.mlci.core.gate.BaselineSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code mlci gate} finds its baseline.
 *
 * @param target the target branch (overrides CI variables and gate.target)
 * @param baseline {@code rebuild}, or a bundle file; empty means the git notes of the target branch
 * @param failOnInconclusive whether INCONCLUSIVE fails the build (as gate.inconclusive: fail)
 * @param fetch whether missing history, branches and notes may be fetched from origin
 * @param env the environment: CI variables (GITHUB_BASE_REF, CHANGE_TARGET) and git credentials
 */
public record GateOptions(
    Optional<String> target,
    Optional<String> baseline,
    boolean failOnInconclusive,
    boolean fetch,
    Map<String, String> env) {
  /** The value of {@code baseline} that retrains the merge-base. */
  public static final String REBUILD = BaselineSource.REBUILD;

  public GateOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(baseline, "baseline");
    env = Map.copyOf(env);
  }

  /** The defaults: git notes, fetch allowed, the process environment. */
  public static GateOptions defaults(Map<String, String> env) {
    return new GateOptions(Optional.empty(), Optional.empty(), false, true, env);
  }
}
