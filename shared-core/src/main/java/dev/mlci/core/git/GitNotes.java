package dev.mlci.core.git;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.notes.NoteMapMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * mlci's baselines as git notes: one note per evaluated commit under {@value #REF}, holding the
 * commit's evaluation bundle. Plain git can list, fetch and push them ({@code git fetch origin
 * refs/notes/mlci:refs/notes/mlci}); no server or storage beyond the repository is involved.
 *
 * <p>Concurrent writers: a push rejected because another build pushed notes first fetches the
 * remote notes, merges them with the local ones (different commits' notes never conflict; for the
 * same commit the newer note wins) and pushes again, a bounded number of times.
 */
public final class GitNotes {
  /** The notes ref. */
  public static final String REF = "refs/notes/mlci";

  /**
   * Where fetched remote notes are kept, apart from the local ones (so a fetch never rewrites local
   * notes).
   */
  public static final String REMOTE_REF = "refs/mlci/remote-notes/mlci";

  private static final String FETCH_SPEC = "+refs/notes/*:refs/mlci/remote-notes/*";

  private GitNotes() {}

  /** Adds (or replaces) the note of {@code commit} in {@value #REF}. */
  public static void add(Repository repo, AnyObjectId commit, byte[] content) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Ref current = repo.exactRef(REF);
      try (ObjectInserter inserter = repo.newObjectInserter();
          ObjectReader reader = repo.newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        RevCommit parent = current == null ? null : walk.parseCommit(current.getObjectId());
        NoteMap map = parent == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, parent);
        map.set(commit, inserter.insert(Constants.OBJ_BLOB, content));
        ObjectId notesCommit =
            commitTree(
                repo,
                inserter,
                map,
                "mlci baseline for " + commit.name(),
                parent == null ? new ObjectId[0] : new ObjectId[] {parent});
        inserter.flush();
        if (update(repo, current, notesCommit)) {
          return;
        }
      }
      if (attempt >= 5) {
        throw new IOException(
            "could not update " + REF + ": it kept changing underneath (another process?)");
      }
    }
  }

  /** The note of {@code commit} under {@code notesRef}, if any. */
  public static Optional<byte[]> read(Repository repo, String notesRef, AnyObjectId commit)
      throws IOException {
    Ref ref = repo.exactRef(notesRef);
    if (ref == null) {
      return Optional.empty();
    }
    try (ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      NoteMap map = NoteMap.read(reader, walk.parseCommit(ref.getObjectId()));
      ObjectId blob = map.get(commit);
      return blob == null
          ? Optional.empty()
          : Optional.of(reader.open(blob).getCachedBytes(Integer.MAX_VALUE));
    }
  }

  /**
   * Fetches the remote's notes into {@value #REMOTE_REF}.
   *
   * @return whether the remote has mlci notes
   */
  public static boolean fetch(
      Repository repo, String remote, Optional<CredentialsProvider> credentials)
      throws GitAPIException {
    var fetch = Git.wrap(repo).fetch().setRemote(remote).setRefSpecs(new RefSpec(FETCH_SPEC));
    credentials.ifPresent(fetch::setCredentialsProvider);
    fetch.call();
    try {
      return repo.exactRef(REMOTE_REF) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** What pushing took. */
  public record PushOutcome(int attempts, int merges) {}

  /**
   * Pushes {@value #REF} to {@code remote}; when rejected because the remote moved, merges the
   * remote notes and retries, at most {@code attempts} times.
   */
  public static PushOutcome push(
      Repository repo, String remote, Optional<CredentialsProvider> credentials, int attempts)
      throws IOException, GitAPIException {
    int merges = 0;
    for (int attempt = 1; ; attempt++) {
      var push = Git.wrap(repo).push().setRemote(remote).setRefSpecs(new RefSpec(REF + ":" + REF));
      credentials.ifPresent(push::setCredentialsProvider);
      RemoteRefUpdate.Status status = RemoteRefUpdate.Status.OK;
      String message = "";
      for (PushResult result : push.call()) {
        RemoteRefUpdate update = result.getRemoteUpdate(REF);
        if (update != null) {
          status = update.getStatus();
          message = update.getMessage() == null ? "" : update.getMessage();
        }
      }
      if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
        return new PushOutcome(attempt, merges);
      }
      boolean raced =
          status == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
              || status == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED
              || (status == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
                  && message.contains("lock"));
      if (!raced || attempt >= attempts) {
        throw new IOException(
            "pushing "
                + REF
                + " to "
                + remote
                + " was rejected ("
                + status
                + (message.isEmpty() ? "" : ": " + message)
                + ")");
      }
      fetch(repo, remote, credentials);
      mergeRemote(repo);
      merges++;
      try {
        Thread.sleep((long) (100 * attempt * (1 + Math.random())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while retrying the push", e);
      }
    }
  }

  /**
   * Merges {@value #REMOTE_REF} into {@value #REF}: the union of both, the local note winning a
   * conflict.
   */
  static void mergeRemote(Repository repo) throws IOException {
    Ref remote = repo.exactRef(REMOTE_REF);
    if (remote == null) {
      return;
    }
    for (int attempt = 0; ; attempt++) {
      Ref local = repo.exactRef(REF);
      try (ObjectInserter inserter = repo.newObjectInserter();
          ObjectReader reader = repo.newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        RevCommit theirs = walk.parseCommit(remote.getObjectId());
        if (local == null) {
          if (update(repo, null, theirs)) {
            return;
          }
          continue;
        }
        RevCommit ours = walk.parseCommit(local.getObjectId());
        if (walk.isMergedInto(theirs, ours)) {
          return;
        }
        walk.reset();
        walk.setRevFilter(RevFilter.MERGE_BASE);
        walk.markStart(walk.parseCommit(ours));
        walk.markStart(walk.parseCommit(theirs));
        RevCommit base = walk.next();
        NoteMap merged =
            new NoteMapMerger(
                    repo, (base1, oursNote, theirsNote, r, ins) -> oursNote, MergeStrategy.RESOLVE)
                .merge(
                    base == null
                        ? NoteMap.newEmptyMap()
                        : NoteMap.read(reader, walk.parseCommit(base)),
                    NoteMap.read(reader, ours),
                    NoteMap.read(reader, theirs));
        ObjectId commit =
            commitTree(
                repo,
                inserter,
                merged,
                "mlci: merge remote baselines",
                new ObjectId[] {ours, theirs});
        inserter.flush();
        if (update(repo, local, commit)) {
          return;
        }
      }
      if (attempt >= 5) {
        throw new IOException("could not merge remote notes into " + REF);
      }
    }
  }

  private static ObjectId commitTree(
      Repository repo, ObjectInserter inserter, NoteMap map, String message, ObjectId[] parents)
      throws IOException {
    PersonIdent ident = new PersonIdent("mlci", "mlci@localhost");
    CommitBuilder cb = new CommitBuilder();
    cb.setTreeId(map.writeTree(inserter));
    cb.setAuthor(ident);
    cb.setCommitter(ident);
    cb.setMessage(message + "\n");
    cb.setParentIds(parents);
    return inserter.insert(cb);
  }

  /** Compare-and-swap of {@value #REF} from {@code expected} (null: absent) to {@code next}. */
  private static boolean update(Repository repo, Ref expected, AnyObjectId next)
      throws IOException {
    RefUpdate u = repo.updateRef(REF);
    u.setExpectedOldObjectId(expected == null ? ObjectId.zeroId() : expected.getObjectId());
    u.setNewObjectId(next);
    u.setRefLogMessage("mlci", false);
    u.setForceUpdate(true);
    RefUpdate.Result r = u.update();
    return switch (r) {
      case NEW, FAST_FORWARD, FORCED, NO_CHANGE -> true;
      case LOCK_FAILURE -> false;
      default -> throw new IOException("updating " + REF + " failed: " + r);
    };
  }
}
