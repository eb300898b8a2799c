package dev.mlci.server;

import dev.mlci.core.api.Images;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.image.ServingCases;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Real models, trained and evaluated by the engine from the example repositories. */
final class ServedModels {
  private ServedModels() {}

  /** A trained and evaluated example: its model directory and the evaluated test rows. */
  record Trained(Path modelDir, ServingCases cases) {}

  static Trained train(String example, Path out) throws Exception {
    return trainRepository(Path.of(System.getProperty("mlci.examples"), example), out);
  }

  /** Trains and evaluates the repository {@code repo} (a folder with ml.yaml) into {@code out}. */
  static Trained trainRepository(Path repo, Path out) throws Exception {
    Workspace ws = Workspace.of(repo, Optional.empty(), Optional.of(out));
    Plan plan = Mlci.plan(ws);
    Mlci mlci = new Mlci(ProgressListener.NONE, Clock.systemUTC());
    mlci.train(plan);
    mlci.evaluate(plan);
    return new Trained(ws.modelDir(), Images.servingCases(plan));
  }
}
