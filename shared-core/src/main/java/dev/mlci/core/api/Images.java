package dev.mlci.core.api;

import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.image.ServingCases;

/** The image steps of mlci: {@code mlci containerize} and {@code mlci verify-image}. */
public final class Images {
  private Images() {}

  /**
   * The test rows of the last evaluation with the predictions it recorded: what the served model
   * must reproduce.
   *
   * @throws BadInputException when there is no evaluation, or it is of other data
   */
  public static ServingCases servingCases(Plan plan) throws BadInputException {
    Workspace ws = plan.workspace();
    EvaluationBundle evaluation =
        Mlci.readBundle(
            ws.evalDir().resolve(EvaluationBundle.FILE),
            "there is no evaluation to compare the served predictions with",
            "run 'mlci evaluate' first (or 'mlci run').");
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    try {
      return ServingCases.of(data, evaluation);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(ws.evalDir().resolve(EvaluationBundle.FILE)),
              "",
              e.getMessage() + ".",
              "run 'mlci evaluate' again."));
    }
  }
}
