package dev.mlci.core.git;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Finds the baseline of a candidate: the merge-base of HEAD with the target branch, then the
 * nearest commit along the target's first-parent history that has an mlci note, at most {@code
 * maxCommits} back. CI checkouts are often shallow and never fetch notes, so the finder fetches
 * what is missing from {@code origin} (the target branch, the history, the notes), with credentials
 * from the environment.
 */
public final class BaselineFinder {
  /** The remote fetched from. */
  public static final String REMOTE = "origin";

  /** The fix printed when the history needed is not in the checkout and cannot be fetched. */
  public static final String SHALLOW_FIX =
      "fetch the full history: in GitHub Actions set 'fetch-depth: 0' on actions/checkout; in Jenkins untick"
          + " 'Shallow clone' under Advanced clone behaviours (or set its depth above gate.max_commits); with plain"
          + " git run 'git fetch --unshallow origin'.";

  private BaselineFinder() {}

  /**
   * A note found.
   *
   * @param commit the commit the note is on
   * @param distance first-parent steps from the search start (0: the start itself)
   * @param note the note's bytes
   */
  public record Found(String commit, int distance, byte[] note) {}

  /**
   * The outcome of a search.
   *
   * @param found the baseline note, if any
   * @param targetRef the ref the target branch resolved to
   * @param start where the first-parent walk started (the merge-base, or its parent when HEAD is on
   *     the target)
   * @param searched commits looked at
   * @param problems things that limited the search (no remote, notes not fetched), for the report
   * @param onTarget whether HEAD is on the target branch, so the walk started at its parent
   */
  public record Search(
      Optional<Found> found,
      String targetRef,
      Optional<String> start,
      int searched,
      List<String> problems,
      boolean onTarget) {
    Search(
        Optional<Found> found,
        String targetRef,
        Optional<String> start,
        int searched,
        List<String> problems) {
      this(found, targetRef, start, searched, problems, false);
    }

    /**
     * Where the walk started, for messages: "the merge-base of HEAD and main", or "HEAD's parent on
     * main" when HEAD is on the target branch.
     */
    public String startLabel(String target) {
      return onTarget ? "HEAD's parent on " + target : "the merge-base of HEAD and " + target;
    }
  }

  /**
   * Searches.
   *
   * @param dir a directory inside the repository
   * @param target the target branch's name
   * @param model the model whose baseline is looked for: a commit whose note holds only other
   *     models' baselines is passed over; a note in the old one-bundle format is returned whatever
   *     its model (the caller compares the names)
   * @param legacyName reads the model name of a note in the old one-bundle format
   * @param fetch whether to fetch from {@value #REMOTE} what is missing
   * @param env the environment (credentials)
   * @throws BadInputException when the target branch or the history it needs cannot be found or
   *     fetched
   */
  public static Search find(
      Path dir,
      String target,
      String model,
      Function<byte[], String> legacyName,
      int maxCommits,
      boolean fetch,
      Map<String, String> env)
      throws BadInputException {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return new Search(
          Optional.empty(), target, Optional.empty(), 0, List.of("not a git repository"));
    }
    Optional<CredentialsProvider> credentials = Credentials.fromEnvironment(env);
    List<String> problems = new ArrayList<>();
    try (Repository repo = builder.build()) {
      ObjectId head = repo.resolve("HEAD");
      if (head == null) {
        return new Search(
            Optional.empty(),
            target,
            Optional.empty(),
            0,
            List.of("the repository has no commit yet"));
      }
      boolean hasRemote = repo.getRemoteNames().contains(REMOTE);
      Ref targetRef = resolveTarget(repo, target);
      if (targetRef == null && fetch && hasRemote) {
        fetchQuietly(
            repo,
            credentials,
            problems,
            new RefSpec("+refs/heads/" + target + ":refs/remotes/origin/" + target));
        targetRef = resolveTarget(repo, target);
      }
      if (targetRef == null) {
        throw new BadInputException(
            Problem.in(
                "git",
                "",
                "the target branch '"
                    + target
                    + "' is not in this checkout (looked for origin/"
                    + target
                    + " and "
                    + target
                    + (hasRemote
                        ? "; fetching it from origin failed"
                        : "; there is no remote 'origin'")
                    + ").",
                Fix.of(
                    "name the branch pull requests merge into with {} or gate.target, or fetch it in"
                        + " the checkout step.",
                    Option.TARGET_BRANCH)));
      }
      if (isShallow(repo) && fetch && hasRemote) {
        // Deepen before computing anything: a shallow boundary looks like a root commit to a walk.
        unshallow(repo, credentials, env, problems);
      }
      ObjectId mergeBase = mergeBase(repo, head, targetRef.getObjectId());
      if (mergeBase == null && isShallow(repo)) {
        // A shallow HEAD (a pull request's merge commit at depth 1) still records its parents: the
        // target's tip
        // is usually one of them.
        mergeBase = mergeBaseThroughRecordedParents(repo, head, targetRef.getObjectId());
        if (mergeBase == null) {
          throw shallow(target, fetch && hasRemote ? "even after fetching" : "and fetching is off");
        }
      }
      if (mergeBase == null) {
        return new Search(
            Optional.empty(),
            targetRef.getName(),
            Optional.empty(),
            0,
            List.of("HEAD and " + target + " have no common history"));
      }
      if (fetch && hasRemote) {
        try {
          GitNotes.fetch(repo, REMOTE, credentials);
        } catch (GitAPIException | RuntimeException e) {
          problems.add(
              "could not fetch notes from origin ("
                  + e.getMessage()
                  + "); searched local notes only");
        }
      }
      // A RevWalk remembers which commits were shallow when it started, so it is created after any
      // fetch.
      try (RevWalk walk = new RevWalk(repo)) {
        RevCommit start = walk.parseCommit(mergeBase);
        Set<String> boundary = shallowCommits(repo);
        // On the target branch itself, the baseline is the previous recorded commit, not this one.
        boolean onTarget = mergeBase.equals(head);
        if (onTarget) {
          if (boundary.contains(start.name())) {
            throw shallow(
                target, "HEAD is on " + target + " and its parent is not in the checkout");
          }
          if (start.getParentCount() == 0) {
            return new Search(
                Optional.empty(),
                targetRef.getName(),
                Optional.of(start.name()),
                0,
                List.of("HEAD is the first commit of " + target));
          }
          start = walk.parseCommit(start.getParent(0));
        }
        RevCommit c = start;
        int searched = 0;
        Set<String> others = new TreeSet<>();
        for (int distance = 0; distance < maxCommits && c != null; distance++) {
          searched++;
          Optional<byte[]> note = Optional.empty();
          for (String ref : new String[] {GitNotes.REF, GitNotes.REMOTE_REF}) {
            if (note.isEmpty()) {
              note = bundleOf(repo, ref, c, model, legacyName, others);
            }
          }
          if (note.isPresent()) {
            return new Search(
                Optional.of(new Found(c.name(), distance, note.get())),
                targetRef.getName(),
                Optional.of(start.name()),
                searched,
                problems,
                onTarget);
          }
          if (boundary.contains(c.name()) && distance + 1 < maxCommits) {
            problems.add(
                "the checkout is shallow: history before "
                    + c.name().substring(0, 12)
                    + " is missing; "
                    + SHALLOW_FIX);
            break;
          }
          c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
        }
        if (!others.isEmpty()) {
          problems.add(
              "the notes searched hold baselines of "
                  + String.join(", ", others)
                  + " only, none of "
                  + model);
        }
        return new Search(
            Optional.empty(),
            targetRef.getName(),
            Optional.of(start.name()),
            searched,
            problems,
            onTarget);
      }
    } catch (IOException e) {
      throw new BadInputException(
          Problem.in(
              "git",
              "",
              "reading the repository failed: " + e.getMessage() + ".",
              "check that .git is intact."));
    }
  }

  /**
   * {@code model}'s bundle in the note on {@code commit} under {@code ref}: its keyed entry, or the
   * bundle of a note in the old format (whatever model it names). Records the other models met.
   */
  private static Optional<byte[]> bundleOf(
      Repository repo,
      String ref,
      RevCommit commit,
      String model,
      Function<byte[], String> legacyName,
      Set<String> others)
      throws BadInputException {
    try {
      Optional<byte[]> raw = GitNotes.read(repo, ref, commit);
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      BaselineNote note = BaselineNote.parse(raw.get(), legacyName);
      if (note.legacy()) {
        return Optional.of(note.models().values().iterator().next());
      }
      Optional<byte[]> bundle = note.bundle(model);
      if (bundle.isEmpty()) {
        others.addAll(note.models().keySet());
      }
      return bundle;
    } catch (IOException e) {
      throw new BadInputException(
          Problem.in(
              "git notes " + GitNotes.REF,
              "",
              "the baseline note on " + commit.name() + " cannot be used: " + e.getMessage() + ".",
              Fix.of(
                  "record the baseline again on that commit ({}), or pass {} or {}.",
                  Step.RECORD_BASELINE,
                  Option.BASELINE.is("FILE"),
                  Option.BASELINE.is("rebuild"))));
    }
  }

  private static BadInputException shallow(String target, String detail) {
    return new BadInputException(
        Problem.in(
            "git",
            "",
            "the checkout is shallow and holds no common history of HEAD and "
                + target
                + " ("
                + detail
                + ").",
            SHALLOW_FIX));
  }

  private static Ref resolveTarget(Repository repo, String target) throws IOException {
    for (String name : new String[] {"refs/remotes/origin/" + target, "refs/heads/" + target}) {
      Ref ref = repo.exactRef(name);
      if (ref != null) {
        return ref;
      }
    }
    return null;
  }

  /** The merge-base of two commits, with a fresh walk (so history fetched meanwhile is seen). */
  private static ObjectId mergeBase(Repository repo, ObjectId a, ObjectId b) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(a));
      walk.markStart(walk.parseCommit(b));
      RevCommit base = walk.next();
      return base == null ? null : base.copy();
    }
  }

  static boolean isShallow(Repository repo) {
    return Files.exists(repo.getDirectory().toPath().resolve("shallow"));
  }

  /** The commits at the boundary of a shallow checkout (their parents are missing). */
  static Set<String> shallowCommits(Repository repo) throws IOException {
    Path file = repo.getDirectory().toPath().resolve("shallow");
    return Files.exists(file) ? new HashSet<>(Files.readAllLines(file)) : Set.of();
  }

  /**
   * Fetches the full history: of the branches, and of a pull request's ref when the CI names it
   * (GitHub's GITHUB_REF=refs/pull/N/merge), which the default refspec does not cover.
   */
  private static void unshallow(
      Repository repo,
      Optional<CredentialsProvider> credentials,
      Map<String, String> env,
      List<String> problems) {
    try {
      var fetch = Git.wrap(repo).fetch().setRemote(REMOTE).setUnshallow(true);
      String ref = env.getOrDefault("GITHUB_REF", "");
      if (ref.startsWith("refs/pull/")) {
        fetch.setRefSpecs(
            new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
            new RefSpec("+" + ref + ":refs/remotes/" + ref.substring("refs/".length())));
      }
      credentials.ifPresent(fetch::setCredentialsProvider);
      fetch.call();
    } catch (GitAPIException | RuntimeException e) {
      problems.add("fetching the full history failed: " + e.getMessage());
    }
  }

  /** The merge-base of the target with HEAD's recorded parents, read from the commit itself. */
  private static ObjectId mergeBaseThroughRecordedParents(
      Repository repo, ObjectId head, ObjectId target) throws IOException {
    RevCommit raw = RevCommit.parse(repo.open(head).getCachedBytes());
    for (RevCommit parent : raw.getParents()) {
      if (repo.getObjectDatabase().has(parent)) {
        ObjectId base = mergeBase(repo, parent, target);
        if (base != null) {
          return base;
        }
      }
    }
    return null;
  }

  private static void fetchQuietly(
      Repository repo,
      Optional<CredentialsProvider> credentials,
      List<String> problems,
      RefSpec spec) {
    try {
      var f = Git.wrap(repo).fetch().setRemote(REMOTE).setRefSpecs(spec);
      credentials.ifPresent(f::setCredentialsProvider);
      f.call();
    } catch (GitAPIException | RuntimeException e) {
      problems.add("fetching " + spec + " failed: " + e.getMessage());
    }
  }
}
