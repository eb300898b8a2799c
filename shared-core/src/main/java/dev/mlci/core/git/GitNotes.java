package dev.mlci.core.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.notes.NoteMapMerger;
import org.eclipse.jgit.notes.NoteMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;

/**
 * mlci's baselines as git notes: one note per evaluated commit under {@value #REF}, holding the
 * evaluation bundle of each model recorded on that commit ({@link BaselineNote}). Plain git can
 * list, fetch and push them ({@code git fetch origin refs/notes/mlci:refs/notes/mlci}); no server
 * or storage beyond the repository is involved.
 *
 * <p>Concurrent writers: a push rejected because another build pushed notes first fetches the
 * remote notes, merges them with the local ones (different commits' notes never conflict; on the
 * same commit the models of both notes are kept, and for the same model the newer bundle wins) and
 * pushes again, a bounded number of times.
 */
public final class GitNotes {
  /** The notes ref. */
  public static final String REF = "refs/notes/mlci";

  /**
   * Where fetched remote notes are kept, apart from the local ones (so a fetch never rewrites local
   * notes).
   */
  public static final String REMOTE_REF = "refs/mlci/remote-notes/mlci";

  /** The largest note read, in bytes ({@value}, 64 MiB), checked before reading it. */
  public static final int MAX_NOTE_BYTES = 64 << 20;

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

  /**
   * Adds (or replaces) {@code model}'s bundle in the note of {@code commit}, keeping the bundles of
   * the repository's other models there.
   *
   * @param legacyName reads the model name of a note in the old one-bundle format
   */
  public static void put(
      Repository repo,
      AnyObjectId commit,
      String model,
      byte[] bundle,
      Function<byte[], String> legacyName)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      Ref current = repo.exactRef(REF);
      try (ObjectInserter inserter = repo.newObjectInserter();
          ObjectReader reader = repo.newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        RevCommit parent = current == null ? null : walk.parseCommit(current.getObjectId());
        NoteMap map = parent == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, parent);
        ObjectId existing = map.get(commit);
        BaselineNote note = BaselineNote.empty();
        if (existing != null) {
          try {
            note =
                BaselineNote.parse(
                    reader.open(existing).getCachedBytes(MAX_NOTE_BYTES), legacyName);
          } catch (IOException | RuntimeException unreadable) {
            // An unreadable note is no baseline of any model: this build's replaces it.
          }
        }
        map.set(commit, inserter.insert(Constants.OBJ_BLOB, note.with(model, bundle).encode()));
        ObjectId notesCommit =
            commitTree(
                repo,
                inserter,
                map,
                "mlci baseline of " + model + " for " + commit.name(),
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
      if (blob == null) {
        return Optional.empty();
      }
      var loader = reader.open(blob);
      if (loader.getSize() > MAX_NOTE_BYTES) {
        // Anyone who may push the notes ref could otherwise fill every gate's heap.
        throw new IOException(
            "the note on "
                + commit.name()
                + " under "
                + notesRef
                + " is "
                + loader.getSize()
                + " bytes; notes of more than "
                + MAX_NOTE_BYTES
                + " bytes are not read");
      }
      return Optional.of(loader.getCachedBytes(MAX_NOTE_BYTES));
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
   * Merges {@value #REMOTE_REF} into {@value #REF}: the union of both. When both have a note on the
   * same commit, the notes' models are united (two models recorded on one commit by two builds both
   * survive); for the same model the local bundle wins.
   */
  static void mergeRemote(Repository repo, Function<byte[], String> legacyName) throws IOException {
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
            new NoteMapMerger(repo, contentMerger(legacyName), MergeStrategy.RESOLVE)
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

  /** Unites two notes on one commit by model; a side that cannot be read yields to the other. */
  private static NoteMerger contentMerger(Function<byte[], String> legacyName) {
    return (base, ours, theirs, reader, inserter) -> {
      if (ours == null || theirs == null) {
        return ours == null ? theirs : ours;
      }
      BaselineNote mine = readQuietly(reader, ours, legacyName);
      BaselineNote other = readQuietly(reader, theirs, legacyName);
      if (mine == null || other == null) {
        return mine == null ? theirs : ours;
      }
      ObjectId blob = inserter.insert(Constants.OBJ_BLOB, BaselineNote.merge(mine, other).encode());
      return new Note(ours, blob);
    };
  }

  private static BaselineNote readQuietly(
      ObjectReader reader, Note note, Function<byte[], String> legacyName) {
    try {
      return BaselineNote.parse(
          reader.open(note.getData()).getCachedBytes(MAX_NOTE_BYTES), legacyName);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@code remote} as the user configured it: its name and URL (credentials masked later). */
  public static String describeRemote(Repository repo, String remote) {
    String url = repo.getConfig().getString("remote", remote, "url");
    return url == null ? remote : remote + " (" + url + ")";
  }

  /**
   * What the remote answered, from a JGit failure: the messages of the exception and its causes,
   * without repeats (JGit wraps a transport error in an internal one).
   */
  public static String answer(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable c = e; c != null && parts.size() < 4; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.isBlank() && parts.stream().noneMatch(p -> p.contains(m))) {
        parts.add(m.strip());
      }
    }
    return parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
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
