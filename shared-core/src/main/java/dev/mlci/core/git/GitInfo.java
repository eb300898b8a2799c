package dev.mlci.core.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The git commit a run works on.
 *
 * @param commit full SHA-1 of HEAD
 * @param branch current branch, or the commit id when HEAD is detached
 * @param dirty whether tracked files differ from HEAD (untracked files, such as mlci's outputs, do
 *     not count)
 */
public record GitInfo(String commit, String branch, boolean dirty) {

  /**
   * The state of the repository containing {@code dir}, or empty outside a git repository or before
   * a commit.
   */
  public static Optional<GitInfo> of(Path dir) {
    if (!insideGit(dir)) {
      // Outside a repository JGit's set-up (its classes, the file system's probe) is all cost.
      return Optional.empty();
    }
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repository = builder.build();
        Git git = new Git(repository)) {
      ObjectId head = repository.resolve("HEAD");
      if (head == null) {
        return Optional.empty();
      }
      boolean dirty = git.status().call().hasUncommittedChanges();
      return Optional.of(new GitInfo(head.name(), repository.getBranch(), dirty));
    } catch (IOException | GitAPIException e) {
      // Provenance is best effort: a broken .git must not stop training.
      return Optional.empty();
    }
  }

  /**
   * {@link #of} computed on a thread of its own, started now: the dirty check walks the whole
   * working tree (JGit's status hashes files whose index entry is not clean), work a one-shot step
   * can overlap with its own instead of waiting for it at the end (bench/startup). The supplier
   * waits for the answer; an unchecked exception of {@link #of} is thrown from it.
   */
  public static Supplier<Optional<GitInfo>> inBackground(Path dir) {
    FutureTask<Optional<GitInfo>> task = new FutureTask<>(() -> of(dir));
    Thread thread = new Thread(task, "mlci-git-info");
    thread.setDaemon(true);
    thread.start();
    return () -> {
      try {
        return task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        return Optional.empty();
      }
    };
  }

  /** Whether {@code dir} or a parent holds {@code .git} (a folder, or a worktree's file). */
  private static boolean insideGit(Path dir) {
    for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The URL of the {@code origin} remote of the repository containing {@code dir}, without any
   * credentials it may embed, or empty.
   */
  public static Optional<String> originUrl(Path dir) {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repository = builder.build()) {
      String url = repository.getConfig().getString("remote", "origin", "url");
      if (url == null || url.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
