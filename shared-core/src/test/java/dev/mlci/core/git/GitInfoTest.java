package dev.mlci.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways of reading the git state (a git process, JGit) give the same answer on the same
 * repository, and {@link GitInfo#of} gives it too.
 */
class GitInfoTest {
  private static final PersonIdent WHO = new PersonIdent("mlci test", "test@mlci.dev");

  @TempDir Path dir;

  private RevCommit init() throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      Files.writeString(dir.resolve("ml.yaml"), "version: 1\n");
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("data/d.csv"), "a,b\n1,2\n");
      Files.writeString(dir.resolve(".gitignore"), "mlci-out/\n");
      git.add().addFilepattern(".").call();
      return git.commit().setMessage("first").setAuthor(WHO).setCommitter(WHO).call();
    }
  }

  /** Each reader, asserting that git answered when it is installed. */
  private void assertEveryReader(Function<Optional<GitInfo>, Boolean> expectation) {
    assertThat(expectation.apply(GitInfo.viaJGit(dir))).as("JGit").isTrue();
    assertThat(expectation.apply(GitInfo.of(dir))).as("GitInfo.of").isTrue();
    Optional<Optional<GitInfo>> viaGit = GitInfo.viaGitCommand(dir);
    if (gitInstalled()) {
      assertThat(viaGit).as("git answered").isPresent();
      assertThat(expectation.apply(viaGit.get())).as("git").isTrue();
    }
  }

  private static boolean gitInstalled() {
    try {
      return new ProcessBuilder("git", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void clean_withUntrackedAndIgnoredFiles_isTheCommitOnItsBranch_notDirty() throws Exception {
    RevCommit first = init();
    Files.createDirectories(dir.resolve("mlci-out/eval"));
    Files.writeString(dir.resolve("mlci-out/eval/x.json"), "{}");
    Files.createDirectories(dir.resolve("notes"));
    Files.writeString(dir.resolve("notes/untracked.txt"), "scratch");
    GitInfo expected = new GitInfo(first.name(), "main", false);
    assertEveryReader(g -> g.equals(Optional.of(expected)));
  }

  @Test
  void aModifiedTrackedFile_isDirty() throws Exception {
    RevCommit first = init();
    Files.writeString(dir.resolve("data/d.csv"), "a,b\n1,3\n");
    GitInfo expected = new GitInfo(first.name(), "main", true);
    assertEveryReader(g -> g.equals(Optional.of(expected)));
  }

  @Test
  void aStagedNewFile_andADeletedOne_areDirty() throws Exception {
    RevCommit first = init();
    Files.writeString(dir.resolve("train.py"), "print(1)\n");
    try (Git git = Git.open(dir.toFile())) {
      git.add().addFilepattern("train.py").call();
    }
    GitInfo expected = new GitInfo(first.name(), "main", true);
    assertEveryReader(g -> g.equals(Optional.of(expected)));

    try (Git git = Git.open(dir.toFile())) {
      git.commit().setMessage("second").setAuthor(WHO).setCommitter(WHO).call();
    }
    Files.delete(dir.resolve("ml.yaml"));
    assertEveryReader(g -> g.isPresent() && g.get().dirty());
  }

  @Test
  void aDetachedHead_isNamedByItsCommit() throws Exception {
    RevCommit first = init();
    try (Git git = Git.open(dir.toFile())) {
      git.checkout().setName(first.name()).call();
    }
    GitInfo expected = new GitInfo(first.name(), first.name(), false);
    assertEveryReader(g -> g.equals(Optional.of(expected)));
  }

  @Test
  void beforeTheFirstCommit_andOutsideGit_thereIsNone() throws Exception {
    Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
    Files.writeString(dir.resolve("ml.yaml"), "version: 1\n");
    assertEveryReader(Optional::isEmpty);

    Path outside = Files.createTempDirectory("mlci-no-git");
    try {
      boolean underARepository = false;
      for (Path d = outside.getParent(); d != null; d = d.getParent()) {
        underARepository |= Files.exists(d.resolve(".git"));
      }
      assumeTrue(!underARepository, "the temporary folder is inside a git repository");
      assertThat(GitInfo.of(outside)).isEmpty();
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void theOriginUrl_readsAlikeByGitAndJGit_withoutItsCredentials() throws Exception {
    init();
    assertThat(GitInfo.originUrlViaJGit(dir)).isEmpty();
    assertThat(GitInfo.originUrl(dir)).as("no origin").isEmpty();
    if (gitInstalled()) {
      assertThat(GitInfo.originUrlViaGitCommand(dir))
          .as("git: no origin")
          .contains(Optional.empty());
    }

    try (Git git = Git.open(dir.toFile())) {
      var config = git.getRepository().getConfig();
      config.setString(
          "remote", "origin", "url", "https://ci-bot:s3cret@git.example.com/team/m.git");
      config.save();
    }
    String raw = "https://ci-bot:s3cret@git.example.com/team/m.git";
    assertThat(GitInfo.originUrlViaJGit(dir)).contains(raw);
    if (gitInstalled()) {
      assertThat(GitInfo.originUrlViaGitCommand(dir)).as("git").contains(Optional.of(raw));
    }
    assertThat(GitInfo.originUrl(dir.resolve("data")))
        .as("from a folder inside, credentials removed")
        .contains("https://git.example.com/team/m.git");
  }
}
