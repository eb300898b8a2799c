package dev.mlci.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Clones the repository a pipeline trains, with JGit (the runner image has no git): every branch
 * (the gate finds the target branch's baseline in {@code refs/remotes/origin/*}) and mlci's notes,
 * then the commit checked out, detached. A commit the remote does not have is the user's mistake.
 */
public final class Checkout {
  private Checkout() {}

  /** Why a checkout failed: {@code missing} when the commit is not in the repository. */
  public static final class CheckoutException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean missing;

    CheckoutException(String message, boolean missing, Throwable cause) {
      super(message, cause);
      this.missing = missing;
    }

    /** True when the repository was cloned but has no such commit. */
    public boolean missing() {
      return missing;
    }
  }

  /** Clones {@code repository} into the empty or absent {@code dir} at {@code commit}. */
  public static void clone(String repository, String commit, Path dir)
      throws CheckoutException, IOException {
    Files.createDirectories(dir);
    try (Git git =
        Git.cloneRepository()
            .setURI(repository)
            .setDirectory(dir.toFile())
            .setNoCheckout(true)
            .setCloneAllBranches(true)
            .call()) {
      git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+refs/notes/*:refs/notes/*")).call();
      ObjectId id;
      try {
        id = git.getRepository().resolve(commit + "^{commit}");
      } catch (org.eclipse.jgit.errors.MissingObjectException e) {
        id = null;
      }
      if (id == null) {
        throw new CheckoutException(
            "the repository " + repository + " has no commit " + commit, true, null);
      }
      git.checkout().setName(id.name()).call();
    } catch (GitAPIException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
      throw new CheckoutException(
          "cannot clone " + repository + " at " + commit + ": " + e.getMessage(), false, e);
    }
  }
}
