package dev.mlci.core.api;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.tracking.LocalRunStore;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * {@code mlci runs}: the runs of the local record in the output directory, newest first. Reads
 * only; needs no ml.yaml.
 */
public final class ListRunsStep {
  private final Workspace workspace;
  private boolean called;

  public ListRunsStep(Workspace workspace) {
    this.workspace = Objects.requireNonNull(workspace, "workspace");
  }

  /**
   * Lists the runs.
   *
   * @throws IllegalStateException when called before: create a new one
   */
  public List<RunRecord> call() throws MlciException {
    if (called) {
      throw new IllegalStateException("ListRunsStep runs once and has run; create a new one");
    }
    called = true;
    LocalRunStore store = new LocalRunStore(workspace.out().resolve(LocalRunStore.DIR));
    try {
      return store.list().stream().map(RunRecord::of).toList();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the local runs in "
              + Workspace.display(store.root())
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
