package dev.mlci.core.git;

import dev.mlci.core.git.GitNotes.PushOutcome;
import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * Pushing {@value GitNotes#REF} through mlci's one {@link Retry} loop: a push the remote rejects
 * because another build moved the ref first is retried after a jittered wait, with the remote's
 * notes fetched and merged in before each retry; any other rejection is final.
 */
final class NotesPush {
  private NotesPush() {}

  /**
   * Pushes {@value GitNotes#REF} to {@code remote}; when rejected because the remote moved, merges
   * the remote notes and retries, at most {@code attempts} times.
   */
  static PushOutcome push(
      Repository repo,
      String remote,
      Optional<CredentialsProvider> credentials,
      int attempts,
      Function<byte[], String> legacyName)
      throws IOException, GitAPIException {
    int[] merges = {0};
    Retry retry = new Retry(attempts, Duration.ofMillis(100), Duration.ofMinutes(1), PUSH_WAIT);
    try {
      return retry.run(
          attempt -> {
            if (attempt > 1) {
              // The remote moved since the last try: take its notes in, then push the union.
              fetchAndMerge(repo, remote, credentials, legacyName);
              merges[0]++;
            }
            pushOnce(repo, remote, credentials);
            return new PushOutcome(attempt, merges[0]);
          },
          IOException.class,
          // Two builds racing for the notes ref: jittered, so they do not race again in step.
          (failure, attempt) ->
              failure instanceof Rejected r && r.raced
                  ? Optional.of(
                      Duration.ofMillis(
                          (long) (retry.delayAfter(attempt).toMillis() * (1 + Math.random()))))
                  : Optional.empty(),
          Retry.Sleeper.REAL);
    } catch (Retry.GaveUp e) {
      IOException last = e.last(IOException.class);
      if (last instanceof GitFailure g) {
        throw g.failure;
      }
      throw last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while retrying the push", e);
    }
  }

  /** The longest wait between two pushes of the notes ref. */
  private static final Duration PUSH_WAIT = Duration.ofSeconds(2);

  /** The remote refused the notes ref; {@code raced} when another push moved it first. */
  private static final class Rejected extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean raced;

    Rejected(String message, boolean raced) {
      super(message);
      this.raced = raced;
    }
  }

  /** A JGit failure carried through the retry loop, and thrown as it came. */
  private static final class GitFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient GitAPIException failure;

    GitFailure(GitAPIException failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }
  }

  private static void fetchAndMerge(
      Repository repo,
      String remote,
      Optional<CredentialsProvider> credentials,
      Function<byte[], String> legacyName)
      throws IOException {
    try {
      GitNotes.fetch(repo, remote, credentials);
    } catch (GitAPIException e) {
      throw new GitFailure(e);
    }
    GitNotes.mergeRemote(repo, legacyName);
  }

  private static void pushOnce(
      Repository repo, String remote, Optional<CredentialsProvider> credentials)
      throws IOException {
    var push =
        Git.wrap(repo)
            .push()
            .setRemote(remote)
            .setRefSpecs(new RefSpec(GitNotes.REF + ":" + GitNotes.REF));
    credentials.ifPresent(push::setCredentialsProvider);
    RemoteRefUpdate.Status status = RemoteRefUpdate.Status.OK;
    String message = "";
    try {
      for (PushResult result : push.call()) {
        RemoteRefUpdate update = result.getRemoteUpdate(GitNotes.REF);
        if (update != null) {
          status = update.getStatus();
          message = update.getMessage() == null ? "" : update.getMessage();
        }
      }
    } catch (GitAPIException e) {
      throw new GitFailure(e);
    }
    if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
      return;
    }
    boolean raced =
        status == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
            || status == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED
            || (status == RemoteRefUpdate.Status.REJECTED_OTHER_REASON && message.contains("lock"));
    throw new Rejected(
        "pushing "
            + GitNotes.REF
            + " to "
            + remote
            + " was rejected ("
            + status
            + (message.isEmpty() ? "" : ": " + message)
            + ")",
        raced);
  }
}
