package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.git.BaselineNote;
import dev.mlci.core.git.GitNotes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Two models in one repository (models/a/ml.yaml and models/b/ml.yaml), on real git repositories
 * with a bare origin: each model's baseline survives the other's {@code baseline record}, also when
 * both push at once; a baseline of the other model never gates one; notes in the format before
 * notes were keyed by model still work.
 */
class MultiModelBaselineTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  GitFixture fixture;
  String mainCommit;

  static String config(String name, String features) {
    return GitFixture.config(features, "")
        .replace("name: breast-cancer", "name: " + name)
        .replace("data/breast_cancer.csv", "data/bc.csv");
  }

  /** Writes both models' folders into {@code w} and commits. */
  static String commitModels(GitFixture.Workdir w, String message, String aFeatures)
      throws Exception {
    Path csv =
        Path.of(System.getProperty("mlci.examples"))
            .resolve("breast-cancer/data/breast_cancer.csv");
    for (String m : List.of("a", "b")) {
      Path dir = w.dir.resolve("models/" + m);
      Files.createDirectories(dir.resolve("data"));
      if (!Files.exists(dir.resolve("data/bc.csv"))) {
        Files.copy(csv, dir.resolve("data/bc.csv"));
      }
      Files.writeString(
          dir.resolve("ml.yaml"),
          config("bc-" + m, m.equals("a") ? aFeatures : GitFixture.BASE_FEATURES),
          StandardCharsets.UTF_8);
    }
    Files.writeString(w.dir.resolve(".gitignore"), "mlci-out/\n", StandardCharsets.UTF_8);
    w.git.add().addFilepattern(".").call();
    return w.git
        .commit()
        .setMessage(message)
        .setAuthor("t", "t@example.com")
        .setCommitter("t", "t@example.com")
        .call()
        .name();
  }

  /** {@code mlci command models/MODEL args} in {@code w}. */
  static CliRun mlci(GitFixture.Workdir w, String model, String command, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(command.split(" ")));
    all.add(w.dir.resolve("models/" + model).toString());
    all.add("--progress=none");
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  static JsonNode gate(GitFixture.Workdir w, String model) throws Exception {
    return JSON.readTree(
        Files.readString(w.dir.resolve("models/" + model + "/mlci-out/gate/gate.json")));
  }

  @BeforeEach
  void mainWithBothModels() throws Exception {
    fixture = new GitFixture(tmp);
    GitFixture.Workdir main = fixture.clone("main-init");
    mainCommit = commitModels(main, "two models", GitFixture.BASE_FEATURES);
    main.push("main");
    main.close();
  }

  @Test
  void twoModels_recordConcurrently_bothBaselinesSurviveAndGateTheirOwnModel() throws Exception {
    // Two main builds (one CI job per model) on the same commit, pushing their notes at once.
    GitFixture.Workdir jobA = fixture.clone("main-job-a");
    GitFixture.Workdir jobB = fixture.clone("main-job-b");
    assertThat(mlci(jobA, "a", "run", "--target", "main").exit()).isZero();
    assertThat(mlci(jobB, "b", "run", "--target", "main").exit()).isZero();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<CliRun>> pushes =
          pool.invokeAll(
              List.<Callable<CliRun>>of(
                  () -> mlci(jobA, "a", "baseline record", "--push"),
                  () -> mlci(jobB, "b", "baseline record", "--push")));
      for (Future<CliRun> f : pushes) {
        assertThat(f.get().exit()).as(f.get().out() + f.get().err()).isZero();
      }
    } finally {
      pool.shutdown();
    }

    // The remote's note on the main commit holds both models' bundles, each of its own model.
    try (Git remote = Git.open(fixture.origin.toFile())) {
      Repository repo = remote.getRepository();
      byte[] raw = GitNotes.read(repo, GitNotes.REF, repo.resolve(mainCommit)).orElseThrow();
      BaselineNote note = BaselineNote.parse(raw, EvaluationBundle::nameOf);
      assertThat(note.legacy()).isFalse();
      assertThat(note.models().keySet()).containsExactly("bc-a", "bc-b");
      assertThat(EvaluationBundle.nameOf(note.bundle("bc-a").orElseThrow())).isEqualTo("bc-a");
      assertThat(EvaluationBundle.nameOf(note.bundle("bc-b").orElseThrow())).isEqualTo("bc-b");
    }

    // Recording model a again on main keeps model b's baseline.
    assertThat(mlci(jobA, "a", "baseline record", "--push").exit()).isZero();

    // A pull request gates both models, each against its own baseline.
    GitFixture.Workdir pr = fixture.clone("pr");
    pr.branch("more-features");
    commitModels(pr, "model a gets all features", GitFixture.ALL_FEATURES);
    for (String m : List.of("a", "b")) {
      CliRun r = mlci(pr, m, "run", "--target", "main");
      assertThat(r.exit()).as(m + ": " + r.out() + r.err()).isZero();
      JsonNode g = gate(pr, m);
      assertThat(g.path("verdict").asString()).isEqualTo("PASS");
      assertThat(g.path("baseline").path("source").asString()).isEqualTo("note");
      assertThat(g.path("baseline").path("commit").asString()).isEqualTo(mainCommit);
    }
  }

  @Test
  void noteOfTodaysFormat_stillGatesItsModel_andIsRefusedForTheOther() throws Exception {
    GitFixture.Workdir job = fixture.clone("main-job");
    assertThat(mlci(job, "a", "run", "--target", "main").exit()).isZero();
    // A note as mlci wrote it before notes were keyed by model: the bare bundle of model a.
    byte[] bundle =
        Files.readAllBytes(job.dir.resolve("models/a/mlci-out/eval/" + EvaluationBundle.FILE));
    Repository local = job.git.getRepository();
    GitNotes.add(local, ObjectId.fromString(mainCommit), bundle);
    job.git
        .push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec(GitNotes.REF + ":" + GitNotes.REF))
        .call();

    GitFixture.Workdir pr = fixture.clone("pr");
    pr.branch("change");
    commitModels(pr, "a change", GitFixture.BASE_FEATURES + " ");

    CliRun a = mlci(pr, "a", "run", "--target", "main");
    assertThat(a.exit()).as(a.out() + a.err()).isZero();
    assertThat(gate(pr, "a").path("baseline").path("commit").asString()).isEqualTo(mainCommit);

    CliRun b = mlci(pr, "b", "run", "--target", "main");
    assertThat(b.exit()).as(b.out() + b.err()).isEqualTo(2);
    assertThat(b.err())
        .contains("of model 'bc-a'")
        .contains("this is model 'bc-b'")
        .contains("Fix: ")
        .doesNotContain("\tat ");

    // Model b records on main: the old note becomes a keyed note holding both.
    assertThat(mlci(job, "b", "train").exit()).isZero();
    assertThat(mlci(job, "b", "evaluate").exit()).isZero();
    CliRun record = mlci(job, "b", "baseline record", "--push");
    assertThat(record.exit()).as(record.err()).isZero();
    try (Git remote = Git.open(fixture.origin.toFile())) {
      Repository repo = remote.getRepository();
      BaselineNote note =
          BaselineNote.parse(
              GitNotes.read(repo, GitNotes.REF, repo.resolve(mainCommit)).orElseThrow(),
              EvaluationBundle::nameOf);
      assertThat(note.models().keySet()).containsExactly("bc-a", "bc-b");
    }
    CliRun again = mlci(pr, "b", "gate", "--target", "main");
    assertThat(again.exit()).as(again.out() + again.err()).isZero();
  }

  @Test
  void baselineFileOfAnotherModel_isRefusedNamingBoth() throws Exception {
    GitFixture.Workdir job = fixture.clone("main-job");
    assertThat(mlci(job, "a", "run", "--target", "main").exit()).isZero();
    assertThat(mlci(job, "b", "run", "--target", "main").exit()).isZero();
    Path aBundle = job.dir.resolve("models/a/mlci-out/eval/" + EvaluationBundle.FILE);

    CliRun r = mlci(job, "b", "gate", "--baseline", aBundle.toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("'bc-a'").contains("'bc-b'").doesNotContain("\tat ");
  }
}
