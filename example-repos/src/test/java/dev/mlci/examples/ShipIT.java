package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The shipping rule through every face of the packaged CLI: {@code mlci containerize}, {@code mlci
 * run --image-target} and the GitHub Action's adapter ({@code mlci github-action}, as action.yml
 * runs it) never push an image that breaks its serving contract to the target registry (Debian's
 * docker-registry on loopback; podman runs the image). The broken image is a real one: its base,
 * built here with Jib, holds no Java, so the server in it cannot start (podman's exit 127). The
 * opt-out, {@code --no-verify}, pushes it and says so. Jenkins' face: pipeline-library's
 * ContainerizeShipTest; action.yml in a real runner: ActIT.
 */
class ShipIT {
  @TempDir static Path work;

  /** Why this class's tests are skipped (their tools are missing), or null. */
  static String skip;

  static LocalRegistry registry;
  static Path noJava;
  static Path iris;
  static Map<String, String> env;

  @BeforeAll
  static void infrastructure() throws Exception {
    skip = Tools.skipReason(Tools::requireContainers);
    if (skip != null) {
      return;
    }
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")));
    noJava = noJavaBase(Files.createDirectories(work.resolve("base")));
    env = new HashMap<>();
    env.put("MLCI_CONTAINER_RUNTIME", "podman");
    env.put("MLCI_CONTAINER_RUN_ARGS", ImageIT.RUN_ARGS);
    env.put("MLCI_CACHE_DIR", work.resolve("cache").toString());
    iris = Tools.copyExample("iris", work);
    for (String step : List.of("train", "evaluate")) {
      Tools.Result r = Tools.mlci(env, step, iris.toString(), "-q");
      assertThat(r.exit()).as(r.err()).isZero();
    }
  }

  /**
   * A docker-save tarball with one file and no Java, built with Jib: an image mlci builds on it is
   * real and loads, and its server cannot start (the entrypoint, java, is not there).
   */
  static Path noJavaBase(Path dir) throws Exception {
    Path tar = dir.resolve("no-java.tar");
    Path hello = Files.writeString(dir.resolve("hello.txt"), "a base image without Java\n");
    Jib.fromScratch()
        .addFileEntriesLayer(
            FileEntriesLayer.builder().addEntry(hello, AbsoluteUnixPath.get("/hello.txt")).build())
        .containerize(
            Containerizer.to(
                TarImage.at(tar).named(ImageReference.parse("mlci-test/no-java:latest"))));
    return tar;
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** A repository of its own per test: {@code registry://HOST/mlci/NAME:test}. */
  private static String target(String name) {
    return "registry://" + registry.host() + "/mlci/" + name + ":test";
  }

  private static void assertNotPushed(String name) throws Exception {
    assertThat(registry.manifestStatus("mlci/" + name, "test"))
        .as("the registry holds mlci/" + name + ":test")
        .isEqualTo(404);
    assertThat(registry.repositories()).doesNotContain("mlci/" + name);
  }

  /** The step outputs of a GITHUB_OUTPUT file, in its documented NAME<<DELIMITER form. */
  static Map<String, String> outputs(Path file) throws Exception {
    Map<String, String> outputs = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int heredoc = line.indexOf("<<");
      if (heredoc > 0) {
        String delimiter = line.substring(heredoc + 2);
        StringBuilder value = new StringBuilder();
        while (!lines.get(++i).equals(delimiter)) {
          value.append(value.length() == 0 ? "" : "\n").append(lines.get(i));
        }
        outputs.put(line.substring(0, heredoc), value.toString());
      }
    }
    return outputs;
  }

  @Test
  void containerize_anImageThatBreaksItsContract_isNeverPushed() throws Exception {
    Tools.Result r =
        Tools.mlci(
            env,
            "containerize",
            iris.toString(),
            "--json",
            "-q",
            "--base",
            "tar://" + noJava,
            "--target",
            target("cli"),
            "--allow-insecure-registries");
    assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(1);
    JsonNode summary = r.json();
    assertThat(summary.path("ship").path("verification").asString()).isEqualTo("FAILED");
    assertThat(summary.path("ship").path("delivered").asBoolean(true)).isFalse();
    assertThat(summary.path("verify_image").path("passed").asBoolean(true)).isFalse();
    assertThat(summary.path("verify_image").path("problems").toString())
        .contains("the image does not start");
    assertThat(summary.has("containerize")).as("nothing delivered, nothing described").isFalse();
    assertNotPushed("cli");
    assertThat(iris.resolve("mlci-out/image")).doesNotExist();
    assertThat(iris.resolve("mlci-out/image-candidate.tar")).doesNotExist();

    // A tarball target: the broken image never lands at the path either.
    Path tar = work.resolve("broken.tar");
    r =
        Tools.mlci(
            env,
            "containerize",
            iris.toString(),
            "--base",
            "tar://" + noJava,
            "--target",
            "tar://" + tar);
    assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).contains("ship:   NOT delivered to tar://" + tar);
    assertThat(tar).doesNotExist();
    try (var left = Files.list(work)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("broken"));
    }
  }

  @Test
  void containerize_noVerify_pushesTheImageAndSaysItIsNotVerified() throws Exception {
    Path repo = Tools.copyExample("iris", Files.createTempDirectory(work, "no-verify"));
    assertThat(Tools.mlci(env, "train", repo.toString(), "-q").exit()).isZero();
    Tools.Result r =
        Tools.mlci(
            env,
            "containerize",
            repo.toString(),
            "--base",
            "tar://" + noJava,
            "--target",
            target("unverified"),
            "--allow-insecure-registries",
            "--no-verify");
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(r.out())
        .contains("ship:   delivered to " + target("unverified") + " NOT verified")
        .contains("--no-verify");
    assertThat(registry.manifestStatus("mlci/unverified", "test")).isEqualTo(200);
    JsonNode image = Tools.JSON.readTree(repo.resolve("mlci-out/image/image.json").toFile());
    assertThat(image.path("verified").asBoolean(true)).isFalse();
    assertThat(image.path("verification").asString()).isEqualTo("skipped: --no-verify");
  }

  /**
   * No container engine (here: MLCI_CONTAINER_RUNTIME names one that does not exist): a registry
   * target is refused before anything is built (exit 3, naming --no-verify); a tarball is built and
   * reported as not verified.
   */
  @Test
  void containerize_withoutAContainerEngine_refusesARegistryAndBuildsAnUnverifiedTarball()
      throws Exception {
    Map<String, String> noEngine = new HashMap<>(env);
    noEngine.put("MLCI_CONTAINER_RUNTIME", work.resolve("no-such-engine").toString());
    Tools.Result r =
        Tools.mlci(
            noEngine,
            "containerize",
            iris.toString(),
            "--base",
            "tar://" + noJava,
            "--target",
            target("no-engine"),
            "--allow-insecure-registries");
    assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(3);
    assertThat(r.err())
        .contains("no container engine")
        .contains(target("no-engine"))
        .contains("--no-verify")
        .doesNotContain("\tat ");
    assertNotPushed("no-engine");

    Path tar = work.resolve("no-engine.tar");
    r =
        Tools.mlci(
            noEngine,
            "containerize",
            iris.toString(),
            "--json",
            "-q",
            "--base",
            "tar://" + noJava,
            "--target",
            "tar://" + tar);
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(tar).isRegularFile();
    JsonNode ship = r.json().path("ship");
    assertThat(ship.path("verification").asString()).isEqualTo("SKIPPED");
    assertThat(ship.path("skipped").asString()).startsWith("no container engine");
    JsonNode image = Tools.JSON.readTree(iris.resolve("mlci-out/image/image.json").toFile());
    assertThat(image.path("verified").asBoolean(true)).isFalse();
    assertThat(image.path("verification").asString()).startsWith("skipped: no container engine");
  }

  @Test
  void run_anImageThatBreaksItsContract_isNeverPushed() throws Exception {
    Path repo = Tools.copyExample("iris", Files.createTempDirectory(work, "run"));
    Tools.Result r =
        Tools.mlci(
            env,
            "run",
            repo.toString(),
            "--json",
            "-q",
            "--image-base",
            "tar://" + noJava,
            "--image-target",
            target("run"),
            "--allow-insecure-registries");
    assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(1);
    JsonNode summary = r.json();
    assertThat(summary.path("gate").path("fails_build").asBoolean(true)).isFalse();
    assertThat(summary.path("ship").path("verification").asString()).isEqualTo("FAILED");
    assertNotPushed("run");
  }

  @Test
  void action_containerize_anImageThatBreaksItsContract_isNeverPushed() throws Exception {
    Path outputs = work.resolve("github-output");
    Files.writeString(outputs, "");
    Map<String, String> action = new HashMap<>(env);
    action.put("INPUT_COMMAND", "containerize");
    action.put("INPUT_WORKING_DIRECTORY", iris.toString());
    action.put("INPUT_IMAGE", target("action"));
    action.put("INPUT_BASE_IMAGE", "tar://" + noJava);
    action.put("INPUT_ALLOW_INSECURE_REGISTRIES", "true");
    action.put("INPUT_COMMENT", "false");
    action.put("GITHUB_OUTPUT", outputs.toString());
    action.put("GITHUB_ACTIONS", "true");
    Tools.Result r = Tools.mlci(action, "github-action");
    assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out())
        .contains("::error title=mlci verify-image FAIL::the image breaks its serving contract");
    Map<String, String> written = outputs(outputs);
    assertThat(written).containsEntry("image-verified", "false").containsEntry("exit-code", "1");
    assertThat(written).doesNotContainKey("image");
    assertNotPushed("action");
  }
}
