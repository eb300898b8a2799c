package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.git.GitNotes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The gate on real git repositories: main records a baseline as a git note and pushes it; branches
 * then improve, degrade or merely reseed the model; checkouts are full or shallow; baselines come
 * from notes, files or a rebuild.
 */
class GateGitTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  GitFixture fixture;
  GitFixture.Workdir main;
  String mainCommit;

  @BeforeEach
  void mainWithARecordedBaseline() throws Exception {
    fixture = new GitFixture(tmp);
    main = fixture.clone("main-build");
    mainCommit = main.commit("baseline model", GitFixture.config(GitFixture.BASE_FEATURES, ""));
    main.push("main");
    CliRun run = main.mlci("run", "--target", "main");
    assertThat(run.exit()).as(run.err()).isZero();
    CliRun record = main.mlci("baseline record", "--push");
    assertThat(record.exit()).as(record.err()).isZero();
    assertThat(record.out())
        .contains("recorded the baseline of " + mainCommit.substring(0, 12))
        .contains("pushed to origin");
  }

  private GitFixture.Workdir featureBranch(String name, String config) throws Exception {
    GitFixture.Workdir w = fixture.clone(name);
    w.branch(name);
    w.commit(name, config);
    return w;
  }

  private static JsonNode json(GitFixture.Workdir w) throws Exception {
    return JSON.readTree(w.gateJson());
  }

  @Test
  void clearImprovement_passes() throws Exception {
    GitFixture.Workdir w =
        featureBranch("all-features", GitFixture.config(GitFixture.ALL_FEATURES, ""));

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode g = json(w);
    assertThat(g.path("verdict").asString()).isEqualTo("PASS");
    assertThat(g.path("baseline").path("source").asString()).isEqualTo("note");
    assertThat(g.path("baseline").path("commit").asString()).isEqualTo(mainCommit);
    assertThat(g.path("pairing").path("paired").asBoolean()).isTrue();
  }

  @Test
  void clearDegradation_failsTheBuild() throws Exception {
    GitFixture.Workdir w =
        featureBranch("weak-features", GitFixture.config(GitFixture.WEAK_FEATURES, ""));

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("mlci gate: FAIL");
    assertThat(json(w).path("verdict").asString()).isEqualTo("FAIL");
    String md = Files.readString(w.dir.resolve("mlci-out/gate/gate.md"));
    assertThat(md)
        .contains("❌ mlci gate: **FAIL**")
        .contains("```mermaid")
        .contains("xychart-beta");
    assertThat(Files.readString(w.dir.resolve("mlci-out/gate/gate-junit.xml")))
        .contains("<failure");
    assertThat(Files.readString(w.dir.resolve("mlci-out/gate/gate.html")))
        .contains("<svg")
        .contains("ROC curve");
  }

  @Test
  void seedChangeOnly_neverFails() throws Exception {
    GitFixture.Workdir w =
        featureBranch(
            "reseed",
            GitFixture.config(GitFixture.BASE_FEATURES, "").replace("  seed: 42", "  seed: 7"));

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(json(w).path("verdict").asString()).isIn("PASS", "INCONCLUSIVE");
  }

  @Test
  void acceptedRegression_isReportedAndDoesNotFail() throws Exception {
    String accept =
        "  accept:\n"
            + "    - {metric: roc_auc, baseline: "
            + mainCommit.substring(0, 10)
            + ", reason: smaller model for edge devices}\n"
            + "    - {metric: accuracy, baseline: "
            + mainCommit.substring(0, 10)
            + ", reason: smaller model for edge devices}\n";
    GitFixture.Workdir w =
        featureBranch("accepted", GitFixture.config(GitFixture.WEAK_FEATURES, accept));

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out()).isZero();
    JsonNode g = json(w);
    assertThat(g.path("verdict").asString()).isEqualTo("PASS");
    assertThat(g.path("rules").get(0).path("verdict").asString()).isEqualTo("ACCEPTED");
    assertThat(g.path("rules").get(0).path("accepted").path("reason").asString())
        .isEqualTo("smaller model for edge devices");
  }

  @Test
  void shallowClone_fetchesHistoryAndNotes() throws Exception {
    GitFixture.Workdir source =
        featureBranch("pushed-branch", GitFixture.config(GitFixture.ALL_FEATURES, ""));
    source.push("pushed-branch");
    Path dir = tmp.resolve("shallow");
    try (Git shallow =
        Git.cloneRepository()
            .setURI(fixture.origin.toUri().toString())
            .setDirectory(dir.toFile())
            .setBranch("pushed-branch")
            .setDepth(1)
            .call()) {
      assertThat(dir.resolve(".git/shallow")).exists();
      GitFixture.Workdir w = new GitFixture.Workdir(dir, shallow);

      CliRun noFetch = w.mlci("run", "--target", "main", "--no-fetch");
      // The merge-base is found through the commit's recorded parent, but notes are never fetched:
      // no baseline.
      assertThat(noFetch.exit()).as(noFetch.err()).isZero();
      assertThat(json(w).path("baseline").path("source").asString()).isEqualTo("none");

      CliRun r = w.mlci("gate", "--target", "main");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(json(w).path("baseline").path("commit").asString()).isEqualTo(mainCommit);
      assertThat(json(w).path("baseline").path("description").asString())
          .endsWith("(the merge-base of HEAD and main)");
    }
  }

  @Test
  void noBaseline_followsOnMissing() throws Exception {
    // main moves on without recording; with max_commits 1 only its tip (the merge-base) is
    // searched.
    GitFixture.Workdir m = fixture.clone("main-2");
    m.commit("retune", GitFixture.config(GitFixture.BASE_FEATURES, "").replace("C: 1.0", "C: 0.9"));
    m.push("main");
    GitFixture.Workdir f = fixture.clone("feature");
    f.branch("feature");
    f.commit("feature", GitFixture.config(GitFixture.ALL_FEATURES, "  max_commits: 1\n"));

    CliRun pass = f.mlci("run", "--target", "main");
    assertThat(pass.exit()).as(pass.out()).isZero();
    assertThat(json(f).path("baseline").path("source").asString()).isEqualTo("none");
    assertThat(json(f).path("baseline").path("description").asString())
        .contains(
            "no note within 1 first-parent commits of main from the merge-base of HEAD and main (");
    assertThat(Files.readString(f.dir.resolve("mlci-out/gate/gate.md")))
        .contains("**No baseline**");

    f.commit(
        "fail on missing",
        GitFixture.config(GitFixture.ALL_FEATURES, "  max_commits: 1\n  on_missing: fail\n"));
    CliRun fail = f.mlci("run", "--target", "main");
    assertThat(fail.exit()).isEqualTo(1);
    assertThat(Files.readString(f.dir.resolve("mlci-out/gate/gate-junit.xml")))
        .contains("gate.on_missing: fail");

    f.commit(
        "rebuild on missing",
        GitFixture.config(GitFixture.ALL_FEATURES, "  max_commits: 1\n  on_missing: rebuild\n"));
    CliRun rebuild = f.mlci("run", "--target", "main");
    assertThat(rebuild.exit()).as(rebuild.err()).isZero();
    JsonNode g = json(f);
    assertThat(g.path("baseline").path("source").asString()).isEqualTo("rebuild");
    assertThat(g.path("verdict").asString()).isEqualTo("PASS");
  }

  @Test
  void baselineFromAFile_andExplicitRebuild() throws Exception {
    Path bundle = tmp.resolve("artifact.mlci.gz");
    Files.copy(main.dir.resolve("mlci-out/eval/evaluation.mlci.gz"), bundle);
    GitFixture.Workdir w =
        featureBranch("from-file", GitFixture.config(GitFixture.WEAK_FEATURES, ""));
    assertThat(w.mlci("run", "--target", "main", "--baseline", bundle.toString()).exit())
        .isEqualTo(1);
    assertThat(json(w).path("baseline").path("source").asString()).isEqualTo("file");

    CliRun rebuilt = w.mlci("gate", "--target", "main", "--baseline", "rebuild");
    assertThat(rebuilt.exit()).isEqualTo(1);
    JsonNode g = json(w);
    assertThat(g.path("baseline").path("source").asString()).isEqualTo("rebuild");
    assertThat(g.path("baseline").path("commit").asString()).isEqualTo(mainCommit);
  }

  @Test
  void depthOneCheckoutOfMain_deepensAndFindsTheBaselineOfAnEarlierCommit() throws Exception {
    // main moves on without recording; a depth-1 checkout of main (actions/checkout's default) must
    // not mistake
    // its tip for the first commit.
    GitFixture.Workdir m = fixture.clone("main-later");
    m.commit("retune", GitFixture.config(GitFixture.BASE_FEATURES, "").replace("C: 1.0", "C: 0.9"));
    m.push("main");
    Path dir = tmp.resolve("depth-1-main");
    try (Git shallow =
        Git.cloneRepository()
            .setURI(fixture.origin.toUri().toString())
            .setDirectory(dir.toFile())
            .setBranch("main")
            .setDepth(1)
            .call()) {
      GitFixture.Workdir w = new GitFixture.Workdir(dir, shallow);

      CliRun r = w.mlci("run", "--target", "main");

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(json(w).path("baseline").path("commit").asString()).isEqualTo(mainCommit);
      // On main the walk starts at HEAD's parent, and the report says so (not "the merge-base").
      assertThat(json(w).path("baseline").path("description").asString())
          .endsWith("(HEAD's parent on main)");
    }
  }

  @Test
  void pullRequestMergeCommitAtDepthOne_findsItsBaseline() throws Exception {
    // What actions/checkout does for a pull request: fetch refs/pull/N/merge at depth 1 and check
    // it out detached.
    GitFixture.Workdir pr =
        featureBranch("pr-head", GitFixture.config(GitFixture.ALL_FEATURES, ""));
    pr.git.checkout().setName("main").call();
    var merge =
        pr.git
            .merge()
            .include(pr.git.getRepository().resolve("pr-head"))
            .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF)
            .setMessage("Merge pr-head into main")
            .call();
    assertThat(merge.getMergeStatus().isSuccessful()).isTrue();
    pr.git
        .push()
        .setRemote("origin")
        .setRefSpecs(
            new org.eclipse.jgit.transport.RefSpec(
                merge.getNewHead().name() + ":refs/pull/1/merge"))
        .call();
    Path dir = tmp.resolve("pr-checkout");
    try (Git checkout = Git.init().setDirectory(dir.toFile()).call()) {
      checkout
          .remoteAdd()
          .setName("origin")
          .setUri(new org.eclipse.jgit.transport.URIish(fixture.origin.toUri().toString()))
          .call();
      checkout
          .fetch()
          .setRemote("origin")
          .setDepth(1)
          .setRefSpecs(
              new org.eclipse.jgit.transport.RefSpec(
                  "+refs/pull/1/merge:refs/remotes/pull/1/merge"))
          .call();
      checkout.checkout().setName("refs/remotes/pull/1/merge").call();
      assertThat(dir.resolve(".git/shallow")).exists();
      GitFixture.Workdir w = new GitFixture.Workdir(dir, checkout);
      assertThat(w.mlci("run", "--target", "main", "--no-fetch").exit()).isEqualTo(2);

      dev.mlci.core.api.Mlci mlci =
          new dev.mlci.core.api.Mlci(
              dev.mlci.core.progress.ProgressListener.NONE, java.time.Clock.systemUTC());
      dev.mlci.core.api.Plan plan =
          dev.mlci.core.api.Mlci.plan(
              dev.mlci.core.api.Workspace.of(
                  dir, java.util.Optional.empty(), java.util.Optional.empty()));
      var outcome =
          mlci.gate(
              plan,
              new dev.mlci.core.api.GateOptions(
                  java.util.Optional.of("main"),
                  java.util.Optional.empty(),
                  false,
                  true,
                  java.util.Map.of("GITHUB_REF", "refs/pull/1/merge")));

      assertThat(outcome.result().baseline().commit()).hasValue(mainCommit);
      assertThat(outcome.result().verdict().name()).isEqualTo("PASS");
    }
  }

  @Test
  void baselineWithOtherClasses_isRefused() throws Exception {
    GitFixture.Workdir w =
        featureBranch(
            "relabel",
            GitFixture.config(GitFixture.BASE_FEATURES, "")
                .replace("positive_class: malignant", "positive_class: benign"));
    Path data = w.dir.resolve("data/breast_cancer.csv");
    Files.writeString(
        data,
        Files.readString(data).replace(",malignant", ",cancer").replace(",benign", ",healthy"));
    w.commit(
        "rename classes",
        GitFixture.config(GitFixture.BASE_FEATURES, "")
            .replace("positive_class: malignant", "positive_class: cancer"));

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "the baseline's classes [benign, malignant] differ from the candidate's [cancer, healthy]");
  }

  @Test
  void corruptBaselineFile_isABadInputNotACrash() throws Exception {
    Path broken =
        Files.write(tmp.resolve("broken.mlci.gz"), new byte[] {31, (byte) 139, 8, 0, 1, 2, 3});

    CliRun r = main.mlci("gate", "--baseline", broken.toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("broken.mlci.gz").contains("Fix:").doesNotContain("\tat ");
  }

  @Test
  void twoConcurrentRecordPushes_bothSurvive() throws Exception {
    GitFixture.Workdir a = fixture.clone("build-a");
    GitFixture.Workdir b = fixture.clone("build-b");
    String ca = a.commit("a", GitFixture.config(GitFixture.BASE_FEATURES, "# build a\n"));
    String cb = b.commit("b", GitFixture.config(GitFixture.BASE_FEATURES, "# build b\n"));
    assertThat(a.mlci("run", "--target", "main").exit()).isIn(0, 1);
    assertThat(b.mlci("run", "--target", "main").exit()).isIn(0, 1);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<CliRun>> pushes =
          pool.invokeAll(
              List.<Callable<CliRun>>of(
                  () -> a.mlci("baseline record", "--push"),
                  () -> b.mlci("baseline record", "--push")));
      for (Future<CliRun> f : pushes) {
        assertThat(f.get().exit()).as(f.get().err()).isZero();
      }
    } finally {
      pool.shutdown();
    }

    try (Git remote = Git.open(fixture.origin.toFile())) {
      Repository repo = remote.getRepository();
      assertThat(GitNotes.read(repo, GitNotes.REF, repo.resolve(ca))).isPresent();
      assertThat(GitNotes.read(repo, GitNotes.REF, repo.resolve(cb))).isPresent();
      assertThat(GitNotes.read(repo, GitNotes.REF, repo.resolve(mainCommit))).isPresent();
    }
  }

  @Test
  void recordingADirtyEvaluation_isRefused() throws Exception {
    Files.writeString(
        main.dir.resolve("ml.yaml"), GitFixture.config(GitFixture.BASE_FEATURES, "# edited\n"));
    assertThat(main.mlci("run", "--target", "main").exit()).isZero();

    CliRun r = main.mlci("baseline record");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("the evaluation ran with uncommitted changes")
        .contains("commit (or stash)");
  }
}
