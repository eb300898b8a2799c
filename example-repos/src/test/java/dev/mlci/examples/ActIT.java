package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.cli.github.FakeGitHub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The example's pull-request workflow in a real Actions runner: nektos/act (built from the Go
 * module proxy by .ci/run) runs {@code .github/workflows/ml-pr.yml} of the breast-cancer example on
 * this machine ({@code -P ubuntu-latest=-self-hosted}) with the repository's own action.yml. Two
 * changes to the workflow make it run offline: {@code uses:} points at the local action, and Java
 * comes from the machine ({@code java-version: ''}) with the freshly built mlci.jar ({@code
 * mlci-jar:}) instead of actions/setup-java and a Maven build. GitHub's REST API is the local fake
 * with its documented shapes.
 */
@ResourceLock(Tools.ACT)
class ActIT {
  static final String TOKEN = "ghp_write_token_0123456789";
  static final String REPOSITORY = "acme/breast-cancer";

  @TempDir static Path work;

  /** Why this class's tests are skipped (their tools are missing), or null. */
  static String skip;

  static FakeGitHub github;
  static Path act;

  @BeforeAll
  static void tools() throws Exception {
    skip = Tools.skipReason(() -> act = act());
    if (skip != null) {
      return;
    }
    github = new FakeGitHub();
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  @AfterAll
  static void stop() {
    if (github != null) {
      github.close();
    }
  }

  static Path act() throws IOException, InterruptedException {
    String configured = System.getenv("MLCI_ACT");
    Path candidate = configured != null ? Path.of(configured) : null;
    if (candidate == null) {
      Tools.Result r = Tools.exec(List.of("sh", "-c", "command -v act"), Path.of("."));
      candidate = r.exit() == 0 ? Path.of(r.out().strip()) : null;
    }
    if (candidate == null || !Files.isExecutable(candidate)) {
      Tools.skipOrFail(
          "MLCI_REQUIRE_ACT",
          "nektos/act is needed for the Actions test; build it: GOBIN=$PWD/.ci/bin go install"
              + " github.com/nektos/act@v0.2.89 and set MLCI_ACT=$PWD/.ci/bin/act");
    }
    return candidate;
  }

  private static Tools.Result git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com"));
    cmd.addAll(List.of(args));
    Tools.Result r = Tools.exec(cmd, dir);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  /**
   * A repository like a user's: the breast-cancer example with its workflows, a bare origin, main
   * with a recorded and pushed baseline, and a branch {@code feature} changed by {@code change}.
   */
  private static Path repository(String name, String newConfig) throws Exception {
    Path root = Files.createDirectories(work.resolve(name));
    Path origin = root.resolve("origin.git");
    git(root, "init", "-q", "--bare", "-b", "main", origin.toString());
    Path repo = Tools.copyExample("breast-cancer", root);
    installAction(repo);
    Path workflow = repo.resolve(".github/workflows/ml-pr.yml");
    String yaml = Files.readString(workflow);
    String uses = "        uses: mlci-dev/mlci@v1\n        with:\n";
    assertThat(yaml).contains(uses);
    String jar = Path.of(System.getProperty("mlci.jar")).toAbsolutePath().toString();
    Files.writeString(
        workflow,
        yaml.replace(
            uses,
            "        uses: ./.mlci-action\n        with:\n" + "          mlci-jar: " + jar + "\n"));
    Files.writeString(repo.resolve(".gitignore"), "mlci-out/\n");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "model");
    git(repo, "remote", "add", "origin", origin.toString());
    git(repo, "push", "-q", "origin", "main");
    Tools.Result r = Tools.mlci("run", repo.toString(), "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    r = Tools.mlci("baseline", "record", repo.toString(), "--push", "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    git(repo, "checkout", "-q", "-b", "feature");
    Files.writeString(repo.resolve("ml.yaml"), newConfig);
    git(repo, "commit", "-q", "-am", "change the model");
    return repo;
  }

  /**
   * Puts this checkout's action into {@code repo} as {@code ./.mlci-action} (what a workflow's
   * {@code uses:} finds there): action.yml, its script and the mlci launcher it runs the jar with.
   */
  static void installAction(Path repo) throws IOException {
    Path action = Files.createDirectories(repo.resolve(".mlci-action/action"));
    Path source = Tools.examples().getParent();
    Files.copy(source.resolve("action.yml"), repo.resolve(".mlci-action/action.yml"));
    Files.copy(source.resolve("action/obtain-jar.sh"), action.resolve("obtain-jar.sh"));
    Files.copy(source.resolve("mlci"), repo.resolve(".mlci-action/mlci"));
  }

  private static Tools.Result act(Path repo, long pr) throws Exception {
    return pullRequest(
        act, repo, work.resolve("event-" + pr + ".json"), pr, REPOSITORY, TOKEN, github.url());
  }

  /**
   * Runs {@code repo}'s {@code .github/workflows/ml-pr.yml} under act for a {@code pull_request}
   * event of PR {@code pr} from {@code feature} into {@code main} (the event written to {@code
   * event}), with {@code token} as GITHUB_TOKEN and {@code apiUrl} as GitHub's API (the local
   * stand-in).
   */
  static Tools.Result pullRequest(
      Path act, Path repo, Path event, long pr, String repository, String token, URI apiUrl)
      throws Exception {
    Files.writeString(
        event,
        "{\"action\": \"synchronize\", \"number\": "
            + pr
            + ", \"pull_request\": {\"number\": "
            + pr
            + ", \"base\": {\"ref\": \"main\"}, \"head\": {\"ref\": \"feature\"}},"
            + " \"repository\": {\"full_name\": \""
            + repository
            + "\"}}");
    return Tools.exec(
        List.of(
            act.toString(),
            "pull_request",
            "-W",
            ".github/workflows/ml-pr.yml",
            "-P",
            "ubuntu-latest=-self-hosted",
            "-e",
            event.toString(),
            "-s",
            "GITHUB_TOKEN=" + token,
            "--env",
            "GITHUB_API_URL=" + apiUrl,
            "--env",
            "GITHUB_REPOSITORY=" + repository),
        repo);
  }

  /**
   * action.yml's {@code run} (with {@code image}) and {@code containerize} in a real runner never
   * push an image that breaks its serving contract (ShipIT's image without Java) to the registry
   * (Debian's docker-registry on loopback, podman on the runner): each step fails with exit 1, no
   * {@code image} output, {@code image-verified} false, and the registry holds nothing.
   */
  @Test
  void theActionNeverPushesAnImageThatBreaksItsContract() throws Exception {
    Tools.requireContainers();
    Path root = Files.createDirectories(work.resolve("ship"));
    try (LocalRegistry registry = LocalRegistry.start(Files.createDirectories(root.resolve("r")))) {
      Path base = ShipIT.noJavaBase(Files.createDirectories(root.resolve("base")));
      Path repo = Tools.copyExample("iris", root);
      installAction(repo);
      String jar = Path.of(System.getProperty("mlci.jar")).toAbsolutePath().toString();
      StringBuilder yaml =
          new StringBuilder("name: ship\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n")
              .append("    steps:\n      - uses: actions/checkout@v4\n");
      for (String command : List.of("run", "containerize")) {
        yaml.append("      - id: ")
            .append(command)
            .append("\n        continue-on-error: true\n        uses: ./.mlci-action\n")
            .append("        with:\n          command: ")
            .append(command)
            .append("\n          mlci-jar: ")
            .append(jar)
            .append("\n          comment: \"false\"\n          image: registry://")
            .append(registry.host())
            .append("/mlci/act:")
            .append(command)
            .append("\n          base-image: tar://")
            .append(base)
            .append("\n          allow-insecure-registries: \"true\"\n");
      }
      yaml.append("      - run: |\n");
      for (String command : List.of("run", "containerize")) {
        yaml.append("          echo \"")
            .append(command)
            .append(": exit=${{ steps.")
            .append(command)
            .append(".outputs.exit-code }} image=[${{ steps.")
            .append(command)
            .append(".outputs.image }}] verified=${{ steps.")
            .append(command)
            .append(".outputs.image-verified }}\"\n");
      }
      Files.createDirectories(repo.resolve(".github/workflows"));
      Files.writeString(repo.resolve(".github/workflows/ship.yml"), yaml.toString());
      Files.writeString(repo.resolve(".gitignore"), "mlci-out/\n");
      git(repo, "init", "-q", "-b", "main");
      git(repo, "add", "-A");
      git(repo, "commit", "-q", "-m", "model");
      Tools.Result r =
          Tools.exec(
              List.of(
                  act.toString(),
                  "push",
                  "-W",
                  ".github/workflows/ship.yml",
                  "-P",
                  "ubuntu-latest=-self-hosted",
                  "--env",
                  "MLCI_CONTAINER_RUNTIME=podman",
                  "--env",
                  "MLCI_CONTAINER_RUN_ARGS=" + ImageIT.RUN_ARGS,
                  "--env",
                  "MLCI_CACHE_DIR=" + root.resolve("cache")),
              repo);
      String log = r.out() + r.err();
      assertThat(log)
          .contains("run: exit=1 image=[] verified=false")
          .contains("containerize: exit=1 image=[] verified=false")
          .contains("the image breaks its serving contract and was not pushed");
      for (String tag : List.of("run", "containerize")) {
        assertThat(registry.manifestStatus("mlci/act", tag)).as(tag + "\n" + log).isEqualTo(404);
      }
      assertThat(registry.repositories()).doesNotContain("mlci/act");
    }
  }

  @Test
  void aPullRequestThatKeepsTheModelPasses() throws Exception {
    Path repo =
        repository(
            "pass",
            Files.readString(Tools.examples().resolve("breast-cancer/ml.yaml"))
                .replace("# Binary classification", "# Binary classification (reworded)"));
    Tools.Result r = act(repo, 11);
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains("mlci verdict: PASS")
        .contains("mlci metrics: {\"accuracy\":")
        .contains("Summary - ")
        .contains("mlci gate: **PASS**")
        .contains("created the pull-request comment")
        .doesNotContain(TOKEN);
    assertThat(github.bodies(REPOSITORY, 11))
        .singleElement()
        .asString()
        .startsWith("<!-- mlci-report: breast-cancer -->")
        .contains("PASS");
  }

  @Test
  void aPullRequestThatDegradesTheModelFailsWithTheReport() throws Exception {
    Path repo =
        repository(
            "fail", Files.readString(Tools.examples().resolve("breast-cancer/degraded.ml.yaml")));
    Tools.Result r = act(repo, 12);
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isNotZero();
    assertThat(log)
        .contains("mlci verdict: FAIL")
        .contains("mlci gate: **FAIL**")
        .contains("::error file=ml.yaml,line=")
        .contains("Job failed");
    assertThat(github.bodies(REPOSITORY, 12)).singleElement().asString().contains("FAIL");
  }
}
