package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Releases and the Action's jar (issue 20), in a real Actions runner (nektos/act, as {@link
 * ActIT}): a copy of this repository (its tracked files, the poms at version 0.1.0 as in a release
 * commit, tagged v0.1.0) runs {@code .github/workflows/release.yml}'s build part, and a workflow
 * that uses the repository's own action ({@code uses: ./}) on the iris example obtains mlci.jar:
 * for a release checkout (action/release.sha256 present) by downloading the release asset and
 * checking its SHA-256, for a branch checkout by building it with Maven.
 *
 * <p>GitHub's release download is a local stand-in (no internet here): the JDK's HTTP server on
 * loopback answering GitHub's documented release-asset URL, {@code
 * GITHUB_SERVER_URL/OWNER/REPO/releases/download/TAG/ASSET}, with a 302 redirect to the file's
 * storage URL as github.com does; act is given {@code GITHUB_SERVER_URL} pointing at it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(Tools.ACT)
class ReleaseIT {
  static final String OWNER_REPO = "acme/mlci";
  static final String VERSION = "0.1.0";
  static final String ASSET_PATH =
      "/" + OWNER_REPO + "/releases/download/v" + VERSION + "/mlci-" + VERSION + ".jar";

  @TempDir static Path work;

  static String skip;
  static Path act;
  static Path source;
  static HttpServer github;
  static final List<String> requests = new ArrayList<>();
  static Path asset;

  @BeforeAll
  static void setUp() throws Exception {
    skip = Tools.skipReason(() -> act = ActIT.act());
    if (skip != null) {
      return;
    }
    source = releaseCommit(Files.createDirectories(work.resolve("mlci")));
    asset = Path.of(System.getProperty("mlci.jar")).toAbsolutePath();
    github = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    github.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          synchronized (requests) {
            requests.add(path);
          }
          if (path.equals(ASSET_PATH)) {
            exchange
                .getResponseHeaders()
                .add("Location", "/github-production-release-asset/1234/mlci-0.1.0.jar?sig=x");
            exchange.sendResponseHeaders(302, -1);
          } else if (path.equals("/github-production-release-asset/1234/mlci-0.1.0.jar")) {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(asset));
            try (OutputStream out = exchange.getResponseBody()) {
              Files.copy(asset, out);
            }
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    github.start();
  }

  @AfterAll
  static void stop() {
    if (github != null) {
      github.stop(0);
    }
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  /** This repository's tracked files at version 0.1.0, committed and tagged v0.1.0. */
  static Path releaseCommit(Path repo) throws Exception {
    Path root = Tools.examples().getParent();
    Tools.Result files =
        Tools.exec(List.of("git", "ls-files", "--cached", "--others", "--exclude-standard"), root);
    assertThat(files.exit()).as(files.err()).isZero();
    for (String name : files.out().split("\n")) {
      Path from = root.resolve(name);
      if (name.isBlank() || !Files.isRegularFile(from)) {
        continue;
      }
      Path to = repo.resolve(name);
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      if (to.getFileName().toString().equals("pom.xml")) {
        Files.writeString(to, Files.readString(to).replace("0.1.0-SNAPSHOT", VERSION));
      }
    }
    Files.writeString(
        repo.resolve(".github/workflows/use-action.yml"),
        """
        name: use the action
        on: push
        jobs:
          model:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - id: mlci
                continue-on-error: true
                uses: ./
                with:
                  command: train
                  working-directory: example-repos/iris
                  comment: "false"
              - run: echo "train exit=${{ steps.mlci.outputs.exit-code }} outcome=${{ steps.mlci.outcome }}"
        """);
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "mlci " + VERSION);
    git(repo, "tag", "v" + VERSION);
    return repo;
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com"));
    cmd.addAll(List.of(args));
    Tools.Result r = Tools.exec(cmd, dir);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(d.digest(Files.readAllBytes(file)));
  }

  private static Tools.Result act(Path repo, List<String> extra, Path xdgCache) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(act.toString(), "push", "-P", "ubuntu-latest=-self-hosted"));
    cmd.addAll(extra);
    return Tools.exec(cmd, repo, java.util.Map.of("XDG_CACHE_HOME", xdgCache.toString()));
  }

  /**
   * The use-action workflow; {@code xdgCache} is act's cache folder, whose {@code act/tool_cache}
   * act's host mode gives the runner as its tool cache (a new folder: a cold runner).
   */
  private static Tools.Result useTheAction(Path xdgCache) throws Exception {
    return act(
        source,
        List.of(
            "-W",
            ".github/workflows/use-action.yml",
            "--env",
            "GITHUB_SERVER_URL=http://127.0.0.1:" + github.getAddress().getPort(),
            "--env",
            "MLCI_CACHE_DIR=" + work.resolve("mlci-cache")),
        xdgCache);
  }

  /** Pins {@code sha256} in the action's checkout, as the release workflow's last step does. */
  private static void pin(String sha256) throws Exception {
    Files.writeString(
        source.resolve("action/release.sha256"),
        sha256 + "  mlci-" + VERSION + ".jar\n# repository " + OWNER_REPO + "\n");
  }

  @Test
  @Order(1)
  void theReleaseWorkflow_buildsTheJarAndItsChecksum_forTheTag() throws Exception {
    Path event = work.resolve("tag.json");
    Files.writeString(event, "{\"ref\": \"refs/tags/v" + VERSION + "\"}");
    Tools.Result r =
        act(
            source,
            List.of(
                "-W",
                ".github/workflows/release.yml",
                "-e",
                event.toString(),
                // The build without the test suite, which CI (.ci/run) runs; the workflow's
                // default.
                "--var",
                "MLCI_RELEASE_BUILD=./mvnw -B -o -q -pl action-runner -am package -DskipTests"
                    + " -Dspotless.check.skip=true"),
            work.resolve("xdg-release"));
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains("::set-output:: version=" + VERSION)
        .contains("::set-output:: major=v0")
        .contains("| mlci " + VERSION + "\n")
        .contains("Success - Main The release jar and its SHA-256")
        .contains("Job succeeded")
        .doesNotContain("Publish the GitHub release");
    assertThat(
            Pattern.compile("\\| [0-9a-f]{64}  mlci-" + VERSION + "\\.jar\n").matcher(log).find())
        .as(log)
        .isTrue();
  }

  @Test
  @Order(2)
  void aBranchCheckout_buildsTheJarFromSource_andSaysSo() throws Exception {
    Path tools = work.resolve("tools-branch");
    Tools.Result r = useTheAction(tools);
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains("is not a release (the action's checkout has no action/release.sha256)")
        .contains("building mlci.jar from source with Maven")
        .contains("train exit=0 outcome=success");
    synchronized (requests) {
      assertThat(requests).isEmpty();
    }
  }

  @Test
  @Order(3)
  void aReleaseCheckout_downloadsTheReleaseJar_checksIt_andCachesIt() throws Exception {
    pin(sha256(asset));
    Path tools = work.resolve("tools-release");
    Tools.Result r = useTheAction(tools);
    String log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains(
            "mlci "
                + VERSION
                + ": downloading the release jar http://127.0.0.1:"
                + github.getAddress().getPort()
                + ASSET_PATH)
        .contains("verified against action/release.sha256")
        .contains("train exit=0 outcome=success")
        .doesNotContain("building mlci.jar from source");
    Path cached =
        tools.resolve("act/tool_cache/mlci/" + VERSION + "-" + sha256(asset).substring(0, 16));
    assertThat(Files.mismatch(cached.resolve("mlci.jar"), asset)).isEqualTo(-1L);
    synchronized (requests) {
      assertThat(requests)
          .containsExactly(ASSET_PATH, "/github-production-release-asset/1234/mlci-0.1.0.jar");
      requests.clear();
    }
    r = useTheAction(tools);
    log = r.out() + r.err();
    assertThat(r.exit()).as(log).isZero();
    assertThat(log)
        .contains("the release jar from the tool cache")
        .contains("train exit=0 outcome=success");
    synchronized (requests) {
      assertThat(requests).isEmpty();
    }
  }

  @Test
  @Order(4)
  void aReleaseJarThatDoesNotMatchThePin_isRefused() throws Exception {
    pin("0".repeat(64));
    Path tools = work.resolve("tools-tampered");
    Tools.Result r = useTheAction(tools);
    String log = r.out() + r.err();
    assertThat(log)
        .contains("not the " + "0".repeat(64) + " this action's checkout pins")
        .contains("outcome=failure")
        .doesNotContain("train exit=0");
    try (var files = Files.walk(tools)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("mlci.jar");
    }
  }
}
