package dev.mlci.core.git;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
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
    return viaGitCommand(dir).orElseGet(() -> viaJGit(dir));
  }

  /**
   * What {@code git status} says, when a {@code git} on the PATH answers: one process of a few
   * milliseconds, where JGit's status costs a cold JVM hundreds of milliseconds of class loading
   * and interpreted tree walking (bench/startup: the no-op gate). Empty when git is missing, too
   * old (porcelain v2 and {@code --no-optional-locks} need git 2.15), refuses the repository
   * (another user's, {@code safe.directory}) or fails otherwise: then JGit answers. The answer
   * inside is empty before the first commit.
   */
  static Optional<Optional<GitInfo>> viaGitCommand(Path dir) {
    Optional<GitOutput> status =
        runGit(
            dir,
            "--no-optional-locks", // a status must not write the index (a lock a user may hit)
            "status",
            "--porcelain=v2",
            "--branch",
            "--untracked-files=no");
    if (status.isEmpty() || status.get().exitCode() != 0) {
      return Optional.empty();
    }
    String commit = null;
    String branch = null;
    boolean dirty = false;
    for (String line : status.get().lines()) {
      if (line.startsWith("# branch.oid ")) {
        commit = line.substring("# branch.oid ".length());
      } else if (line.startsWith("# branch.head ")) {
        branch = line.substring("# branch.head ".length());
      } else if (!line.startsWith("#") && !line.isEmpty()) {
        dirty = true; // a changed ("1", "2") or unmerged ("u") entry; untracked are not listed
      }
    }
    if (commit == null || branch == null) {
      return Optional.empty();
    }
    if (commit.equals("(initial)")) {
      return Optional.of(Optional.empty());
    }
    if (!commit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) { // SHA-1, or a SHA-256 repository's
      return Optional.empty();
    }
    // JGit's getBranch() names a detached HEAD by its commit; so does this record.
    return Optional.of(
        Optional.of(new GitInfo(commit, branch.equals("(detached)") ? commit : branch, dirty)));
  }

  /** What a git process printed, and its exit code. */
  private record GitOutput(int exitCode, List<String> lines) {}

  /**
   * Runs {@code git -C dir ARGS} and reads its standard output; empty when there is no git on the
   * PATH, it outlives the timeout or its output cannot be read. The repository is the one
   * containing dir, as JGit finds it: not one that the environment names (a CI's GIT_DIR for
   * another checkout).
   */
  private static Optional<GitOutput> runGit(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new File(NULL_DEVICE)));
    for (String variable : GIT_LOCATION_VARIABLES) {
      pb.environment().remove(variable);
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return Optional.empty(); // no git on the PATH
    }
    try {
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          lines.add(line);
        }
      }
      if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        return Optional.empty();
      }
      return Optional.of(new GitOutput(process.exitValue(), List.copyOf(lines)));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      process.destroy();
    }
  }

  /** The state as JGit reads it (no git command needed). */
  static Optional<GitInfo> viaJGit(Path dir) {
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

  private static final String NULL_DEVICE =
      System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
  private static final List<String> GIT_LOCATION_VARIABLES =
      List.of(
          "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY");
  private static final long GIT_TIMEOUT_SECONDS = 60;

  /**
   * {@link #of} computed on a thread of its own, started now: the dirty check walks the whole
   * working tree (a git process, or JGit's status, which hashes files whose index entry is not
   * clean), work a one-shot step can overlap with its own instead of waiting for it at the end
   * (bench/startup). The supplier waits for the answer; an unchecked exception of {@link #of} is
   * thrown from it.
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
    if (!insideGit(dir)) {
      return Optional.empty();
    }
    return originUrlViaGitCommand(dir).orElseGet(() -> originUrlViaJGit(dir)).map(GitInfo::redact);
  }

  /**
   * What {@code git config --get remote.origin.url} says (a process of a few milliseconds, where
   * opening the repository with JGit loads about 200 classes into a cold JVM: bench/startup, the
   * no-op gate). Empty when git did not answer; the answer inside is empty when no origin is set.
   */
  static Optional<Optional<String>> originUrlViaGitCommand(Path dir) {
    Optional<GitOutput> out = runGit(dir, "config", "--get", "remote.origin.url");
    if (out.isEmpty()) {
      return Optional.empty();
    }
    return switch (out.get().exitCode()) {
      case 0 -> Optional.of(out.get().lines().stream().filter(l -> !l.isBlank()).findFirst());
      case 1 -> Optional.of(Optional.empty()); // git config's "the key is not set"
      default -> Optional.empty(); // not a repository git accepts (safe.directory), a bad config
    };
  }

  /** The origin's URL as JGit reads the repository's configuration. */
  static Optional<String> originUrlViaJGit(Path dir) {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repository = builder.build()) {
      String url = repository.getConfig().getString("remote", "origin", "url");
      return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The URL without the credentials it may embed ({@code https://user:token@host/...}). */
  private static String redact(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }
}
