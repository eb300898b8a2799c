package dev.mlci.core.gate;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import java.util.TreeSet;

/**
 * Refuses a baseline that cannot be compared with the candidate: of another model, of another task,
 * or with other classes. Each refusal says how to get a baseline that can.
 */
public final class BaselineMatch {
  private BaselineMatch() {}

  /**
   * Refuses {@code baseline} when it cannot gate {@code candidate}; a rebuild is of this very
   * config, so its model's name is not checked.
   *
   * @param target the target branch, for the fix
   */
  public static void require(
      EvaluationBundle baseline, EvaluationBundle candidate, BaselineInfo info, String target)
      throws BadInputException {
    if (!info.source().equals("rebuild")) {
      requireSameModel(baseline, candidate, info, target);
    }
    if (!baseline.task().equals(candidate.task())) {
      throw new BadInputException(
          Problem.in(
              "baseline",
              "",
              "the baseline is a "
                  + baseline.task()
                  + " model and the candidate a "
                  + candidate.task()
                  + " model; they cannot be compared.",
              Fix.of(
                  "record a new baseline on {}, or pass {}.",
                  target,
                  Option.BASELINE.is(BaselineSource.REBUILD))));
    }
    if (baseline.predictions() instanceof ClassificationPredictions b
        && candidate.predictions() instanceof ClassificationPredictions c
        && !new TreeSet<>(b.classes()).equals(new TreeSet<>(c.classes()))) {
      throw new BadInputException(
          Problem.in(
              "baseline",
              "",
              "the baseline's classes "
                  + b.classes()
                  + " differ from the candidate's "
                  + c.classes()
                  + "; per-class results cannot be compared.",
              Fix.of(
                  "if the classes were renamed or added on purpose, record a new baseline on {}"
                      + " (or compare with {}); otherwise check data.target.",
                  target,
                  Option.BASELINE.is(BaselineSource.REBUILD))));
    }
  }

  /**
   * Refuses a baseline of another model: in a repository of several models, a note or file of model
   * B must never gate model A.
   */
  private static void requireSameModel(
      EvaluationBundle baseline, EvaluationBundle candidate, BaselineInfo info, String target)
      throws BadInputException {
    if (!baseline.name().equals(candidate.name())) {
      throw new BadInputException(
          Problem.in(
              "baseline",
              "",
              "the baseline ("
                  + info.description()
                  + ") is of model '"
                  + baseline.name()
                  + "', but this is model '"
                  + candidate.name()
                  + "'; one model's baseline never gates another.",
              Fix.of(
                  "record a baseline of '{}' on {} ({} after {} there), or pass {}; if the model"
                      + " was renamed, that is the way to carry its baseline over.",
                  candidate.name(),
                  target,
                  Step.RECORD_BASELINE,
                  Step.RUN,
                  Option.BASELINE.is(BaselineSource.REBUILD))));
    }
  }
}
