package dev.mlci.core.git;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Records a model's baseline bundle as a git note ({@value GitNotes#REF}) on the commit it
 * evaluated, and pushes the notes when asked (retrying after a merge when another build pushed
 * first): the JGit half of {@code mlci baseline record}, one shot per call.
 */
public final class BaselineRecorder {
  /** Pushes tried before giving up, each after merging what the remote had. */
  public static final int PUSH_ATTEMPTS = 5;

  /**
   * What was recorded.
   *
   * @param pushAttempts pushes it took (0 when not pushed)
   * @param warnings things the user should know (recorded on a commit other than HEAD)
   */
  public record Recorded(int pushAttempts, List<String> warnings) {
    public Recorded {
      warnings = List.copyOf(warnings);
    }
  }

  private BaselineRecorder() {}

  /**
   * Puts {@code bundle}, the baseline of {@code model}, into the note of {@code commit} in the
   * repository around {@code dir}, then pushes the notes to {@code remote} when {@code push}.
   *
   * @param legacyName reads the model name of a note in the old one-bundle format
   * @param env the environment: git credentials ({@link Credentials#TOKEN_VARIABLES})
   * @throws BadInputException when {@code remote} does not exist
   * @throws EnvironmentException when git fails, or the push does (the note stays recorded locally)
   */
  public static Recorded record(
      Path dir,
      String commit,
      String model,
      byte[] bundle,
      Function<byte[], String> legacyName,
      Optional<String> push,
      Map<String, String> env)
      throws MlciException {
    List<String> warnings = new ArrayList<>();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toFile());
    try (Repository repo = builder.build()) {
      ObjectId head = repo.resolve("HEAD");
      if (head != null && !head.name().equals(commit)) {
        warnings.add(
            "recorded on the evaluated commit "
                + abbreviate(commit)
                + ", not on HEAD "
                + abbreviate(head.name()));
      }
      GitNotes.put(repo, ObjectId.fromString(commit), model, bundle, legacyName);
      int attempts = 0;
      if (push.isPresent()) {
        attempts = push(repo, push.get(), env, legacyName);
      }
      return new Recorded(attempts, warnings);
    } catch (IOException e) {
      throw new EnvironmentException("recording the baseline failed: " + e.getMessage(), e);
    }
  }

  private static int push(
      Repository repo, String remote, Map<String, String> env, Function<byte[], String> legacyName)
      throws BadInputException, EnvironmentException, IOException {
    if (!repo.getRemoteNames().contains(remote)) {
      throw new BadInputException(
          Problem.in(
              "git",
              "",
              "there is no remote '" + remote + "' to push to.",
              Fix.of("pass {}, or add the remote.", Option.REMOTE.is("NAME"))));
    }
    try {
      return NotesPush.push(
              repo, remote, Credentials.fromEnvironment(env), PUSH_ATTEMPTS, legacyName)
          .attempts();
    } catch (GitAPIException | IOException | JGitInternalException e) {
      // JGit's internal exceptions carry what the remote answered (e.g. a web server that is
      // no git server): the environment's failure, exit 3, never "a bug in mlci".
      throw new EnvironmentException(
          "pushing "
              + GitNotes.REF
              + " to "
              + GitNotes.describeRemote(repo, remote)
              + " failed: "
              + GitNotes.answer(e)
              + ". ",
          Fix.of(
              "The note is recorded locally; check that the remote's URL is a git server ('git"
                  + " remote get-url {}'), set MLCI_GIT_TOKEN (or GITHUB_TOKEN) with write access"
                  + " and retry {}.",
              remote,
              Step.RECORD_BASELINE),
          e);
    }
  }

  /** The first 12 characters of a commit id, as reports show it. */
  private static String abbreviate(String commit) {
    return commit.substring(0, Math.min(12, commit.length()));
  }
}
