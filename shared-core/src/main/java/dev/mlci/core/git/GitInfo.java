package dev.mlci.core.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
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
