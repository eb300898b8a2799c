package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.cli.github.FakeGitHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code mlci init} as a new user runs it: in a fresh git repository holding only a CSV, it writes
 * ml.yaml, the two workflows, a Jenkinsfile and .gitignore; then a real Actions runner (nektos/act,
 * as in {@link ActIT}) runs the written ml-main.yml on a push to main (train, gate, record and push
 * the baseline, build, verify and push the image) and ml-pr.yml on a pull request (gate against
 * that baseline: PASS), both green. What the test changes in the written workflows, and why: {@code
 * uses:} points at the local action with the freshly built mlci.jar (offline: no release to
 * download); ml-main.yml's registry is Debian's docker-registry on loopback instead of ghcr.io,
 * with a base made by {@code mlci base-image} (no base image can be pulled here); and its last
 * step, actions/upload-artifact, is dropped (act would clone it from github.com).
 */
@ResourceLock(Tools.ACT)
class InitIT {
  static final String TOKEN = "ghp_init_token_0123456789";
  static final String REPOSITORY = "Acme/Churn-Model";

  @TempDir static Path work;

  static String skip;
  static Path act;
  static FakeGitHub github;
  static LocalRegistry registry;

  @BeforeAll
  static void tools() throws Exception {
    skip =
        Tools.skipReason(
            () -> {
              act = ActIT.act();
              Tools.requireContainers();
            });
    if (skip == null) {
      github = new FakeGitHub();
      registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")));
    }
  }

  @AfterAll
  static void stop() {
    if (github != null) {
      github.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static Tools.Result git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com"));
    cmd.addAll(List.of(args));
    Tools.Result r = Tools.exec(cmd, dir);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  @Test
  void initOnAFreshRepositoryWritesAConfigAndWorkflowsThatRunGreenUnderAct() throws Exception {
    Tools.skipIf(skip);
    Path origin = work.resolve("origin.git");
    git(work, "init", "-q", "--bare", "-b", "main", origin.toString());
    Path repo = Files.createDirectories(work.resolve("churn-model"));
    git(repo, "init", "-q", "-b", "main");
    Files.createDirectories(repo.resolve("data"));
    Files.copy(
        Tools.examples().resolve("breast-cancer/data/breast_cancer.csv"),
        repo.resolve("data/patients.csv"));

    Tools.Result r =
        Tools.mlci(
            "init",
            repo.toString(),
            "--data",
            repo.resolve("data/patients.csv").toString(),
            "--target",
            "diagnosis");
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(r.out())
        .contains("wrote ml.yaml", "wrote .github/workflows/ml-pr.yml", "wrote Jenkinsfile");
    String config = Files.readString(repo.resolve("ml.yaml"));
    assertThat(config)
        .contains("name: churn-model")
        .contains("task: classification")
        .contains("path: data/patients.csv")
        .contains("target: diagnosis")
        .contains("id: sample_id")
        .contains("metric: roc_auc");
    assertThat(Files.readString(repo.resolve(".gitignore"))).contains("mlci-out/\n");
    assertThat(repo.resolve("Jenkinsfile")).content().contains("/churn-model:${env.BUILD_NUMBER}");

    // Again: it overwrites nothing and says so (exit 2).
    Files.writeString(repo.resolve("Jenkinsfile"), "// mine\n");
    r = Tools.mlci("init", repo.toString(), "--target", "diagnosis");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("ml.yaml, .github/workflows/ml-pr.yml").contains("--force");
    assertThat(repo.resolve("Jenkinsfile")).hasContent("// mine");
    r = Tools.mlci("init", repo.toString(), "--target", "diagnosis", "--force");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(repo.resolve("Jenkinsfile")).content().contains("@Library('mlci')");

    // The test's changes to run offline (see the class comment).
    Path base = work.resolve("base.tar");
    r =
        Tools.mlci(
            java.util.Map.of("MLCI_CACHE_DIR", work.resolve("cache").toString()),
            "base-image",
            "--target",
            "tar://" + base,
            "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    ActIT.installAction(repo);
    String jar = Path.of(System.getProperty("mlci.jar")).toAbsolutePath().toString();
    String local = "        uses: ./.mlci-action\n        with:\n          mlci-jar: " + jar + "\n";
    Path pr = repo.resolve(".github/workflows/ml-pr.yml");
    Path main = repo.resolve(".github/workflows/ml-main.yml");
    Files.writeString(
        pr, Files.readString(pr).replace("        uses: mlci-dev/mlci@v1\n        with:\n", local));
    String m = Files.readString(main);
    assertThat(m).contains("ghcr.io/", "      - name: Deploy manifests\n");
    m = m.substring(0, m.indexOf("      - name: Deploy manifests\n"));
    m =
        m.replace("        uses: mlci-dev/mlci@v1\n        with:\n", local)
            .replace("ghcr.io/", registry.host() + "/")
            .replace(
                "          command: containerize\n",
                "          command: containerize\n          base-image: tar://"
                    + base
                    + "\n          allow-insecure-registries: \"true\"\n");
    Files.writeString(main, m);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "mlci init");
    git(repo, "remote", "add", "origin", origin.toString());
    git(repo, "push", "-q", "origin", "main");
    String sha = git(repo, "rev-parse", "HEAD").out().strip();

    // main: ml-main.yml.
    r =
        Tools.exec(
            List.of(
                act.toString(),
                "push",
                "-W",
                ".github/workflows/ml-main.yml",
                "-P",
                "ubuntu-latest=-self-hosted",
                "-s",
                "GITHUB_TOKEN=" + TOKEN,
                "--env",
                "GITHUB_REPOSITORY=" + REPOSITORY,
                "--env",
                "MLCI_CONTAINER_RUNTIME=podman",
                "--env",
                "MLCI_CONTAINER_RUN_ARGS=" + ImageIT.RUN_ARGS,
                "--env",
                "MLCI_CACHE_DIR=" + work.resolve("cache")),
            repo);
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log).contains("Job succeeded").doesNotContain(TOKEN);
    assertThat(git(repo, "ls-remote", "origin", "refs/notes/mlci").out())
        .contains("refs/notes/mlci");
    // ghcr.io names must be lower case: the workflow lower-cases the repository's name.
    assertThat(registry.manifestStatus("acme/churn-model", sha)).as(log).isEqualTo(200);

    // A pull request: ml-pr.yml gates against the baseline main recorded.
    git(repo, "checkout", "-q", "-b", "feature");
    Files.writeString(
        repo.resolve("ml.yaml"),
        Files.readString(repo.resolve("ml.yaml"))
            .replace("  seed: 42\n", "  seed: 42   # reviewed\n"));
    git(repo, "commit", "-q", "-am", "a comment");
    r =
        ActIT.pullRequest(
            act, repo, work.resolve("event.json"), 7, REPOSITORY, TOKEN, github.url());
    log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains("mlci verdict: PASS")
        .doesNotContain("NO BASELINE")
        .doesNotContain(TOKEN);
    assertThat(github.bodies(REPOSITORY, 7)).singleElement().asString().contains("PASS");
  }
}
