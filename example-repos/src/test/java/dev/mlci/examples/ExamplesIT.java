package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs the packaged CLI ({@code java -jar mlci.jar run}) on every example repository, as a user
 * would, and holds each to the quality its README promises. The floors sit a little below the
 * measured values (in each README), so a real regression fails while the exact, deterministic
 * numbers are pinned by running again: breast-cancer, its mlp, iris and wine run a second time and
 * must write byte-identical outputs ({@link #runsAgainByteIdentical}).
 */
class ExamplesIT {
  @TempDir Path tmp;

  private JsonNode run(String example) throws Exception {
    Path repo = Tools.copyExample(example, tmp);
    Tools.Result r = Tools.mlci("run", repo.toString(), "--json", "--progress", "plain");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("training ").contains("done in");
    return r.json().path("evaluate").path("metrics");
  }

  /**
   * Runs the example in {@code tmp} again (as {@code mlci run -q --progress none}) and checks that
   * it writes the same bytes as the run before: every file of mlci-out but the run records, which
   * say when. The tests call it on the repository of their first run, after their own checks, which
   * only read it: one run fewer per example than a separate pair of runs.
   */
  private void runsAgainByteIdentical(String example) throws Exception {
    Path repo = tmp.resolve(example);
    Map<String, String> first = digests(repo.resolve("mlci-out"));
    assertThat(Tools.mlci("run", repo.toString(), "-q", "--progress", "none").exit()).isZero();
    Map<String, String> second = digests(repo.resolve("mlci-out"));

    assertThat(second).as(example).isEqualTo(first);
    assertThat(first)
        .containsKeys(
            example.endsWith("-mlp") ? "model/mlp-0000.params" : "model/model.tribuo",
            "model/checksums.sha256",
            "eval/metrics.json",
            "eval/predictions.csv");
  }

  /** The bar; the ONNX export predicts what was evaluated; a second run is byte-identical. */
  @Test
  void breastCancer_logistic_meetsTheIssueBar_exportsOnnx_andRunsTwiceByteIdentical()
      throws Exception {
    JsonNode m = run("breast-cancer");

    assertThat(m.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.98);
    assertThat(m.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);

    Path repo = tmp.resolve("breast-cancer");
    JsonNode check =
        Tools.crosscheck(
            "onnx",
            repo.resolve("mlci-out/model/model.onnx").toString(),
            repo.resolve("mlci-out/model/features.json").toString(),
            repo.resolve("data/breast_cancer.csv").toString(),
            "sample_id",
            repo.resolve("mlci-out/eval/predictions.csv").toString());

    assertThat(check.path("rows").asInt()).isGreaterThan(100);
    assertThat(check.path("max_abs_diff").asDouble()).isCloseTo(0.0, within(1e-9));

    runsAgainByteIdentical("breast-cancer");
  }

  @Test
  void breastCancerMlp_meetsTheIssueBar_andRunsTwiceByteIdentical() throws Exception {
    JsonNode m = run("breast-cancer-mlp");

    assertThat(m.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.98);
    assertThat(m.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    // One loss of each kind per epoch, as training curves of the tracked run; early stopping ended
    // training before the 100th epoch.
    Path run;
    try (Stream<Path> dirs = Files.walk(tmp.resolve("breast-cancer-mlp/mlci-out/mlruns"), 2)) {
      run =
          dirs.filter(d -> d.getFileName().toString().matches("[0-9a-f]{32}"))
              .findFirst()
              .orElseThrow();
    }
    List<String> training = Files.readAllLines(run.resolve("metrics/training_loss"));
    List<String> validation = Files.readAllLines(run.resolve("metrics/validation_loss"));
    assertThat(validation).hasSameSizeAs(training).hasSizeBetween(11, 99);
    assertThat(validation.get(0)).endsWith(" 1");

    runsAgainByteIdentical("breast-cancer-mlp");
  }

  @Test
  void iris_randomForest_andRunsTwiceByteIdentical() throws Exception {
    JsonNode m = run("iris");

    assertThat(m.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.90);
    assertThat(m.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.97);

    runsAgainByteIdentical("iris");
  }

  @Test
  void wine_xgboost_andRunsTwiceByteIdentical() throws Exception {
    JsonNode m = run("wine");

    assertThat(m.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.92);
    assertThat(m.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.98);

    runsAgainByteIdentical("wine");
  }

  @Test
  void diabetes_linearRegression() throws Exception {
    JsonNode m = run("diabetes");

    assertThat(m.path("r2").asDouble()).isGreaterThanOrEqualTo(0.38);
    assertThat(m.path("rmse").asDouble()).isLessThanOrEqualTo(60.0);
  }

  /**
   * The steps the breast-cancer READMEs document, on a real git repository: main records its
   * baseline, a branch switches to degraded.ml.yaml and runs the gate.
   */
  private Tools.Result regressingBranch(Path repo) throws Exception {
    try (Git git = Tools.commitAll(repo, "breast cancer model")) {
      assertThat(Tools.mlci("run", repo.toString(), "-q", "--progress", "none").exit()).isZero();
      Tools.Result record = Tools.mlci("baseline", "record", repo.toString());
      assertThat(record.exit()).as(record.err()).isZero();
      git.checkout().setCreateBranch(true).setName("drop-features").call();
      Files.copy(
          repo.resolve("degraded.ml.yaml"),
          repo.resolve("ml.yaml"),
          StandardCopyOption.REPLACE_EXISTING);
      Tools.commitAll(repo, "Use only shape features").close();
    }
    return Tools.mlci("run", repo.toString(), "--target", "main", "--progress", "none");
  }

  @Test
  void breastCancerMlp_degradingBranch_failsTheGate() throws Exception {
    Tools.Result run = regressingBranch(Tools.copyExample("breast-cancer-mlp", tmp));

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("mlci gate: FAIL (2 rules, 2 failed)")
        .containsPattern(
            "FAIL +roc_auc max_drop 0.01 \\(paired-bootstrap\\) ↑ +[0-9.]+ → [0-9.]+,"
                + " improvement -0\\.1[0-9]{3}");
  }

  @Test
  void breastCancer_degradingBranch_failsTheGate() throws Exception {
    Path repo = Tools.copyExample("breast-cancer", tmp);
    Tools.Result run = regressingBranch(repo);

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).contains("mlci gate: FAIL (2 rules, 2 failed)");
    String md = Files.readString(repo.resolve("mlci-out/gate/gate.md"));
    assertThat(md)
        .contains("❌ mlci gate: **FAIL** — breast-cancer")
        .contains("| roc_auc max_drop 0.01 (paired-bootstrap) ↑ | 0.9976 |")
        .contains("| accuracy min 0.9 max_drop 0.02 (paired-bootstrap) ↑ | 0.9832 | 0.7983 |");
  }

  /**
   * The mlp trains with no network, an empty DJL cache and an empty mlci cache: mlci.jar carries no
   * PyTorch (issue 20), so it fetches DJL's pytorch-native-cpu jar from the Maven repository
   * MLCI_MAVEN_REPO names, here the build's local one as a file:// repository (the pom sets it),
   * checks its SHA-256 and unpacks it into the mlci cache; any download DJL attempted would fail
   * against the dead proxy.
   */
  @Test
  void mlp_trainsOffline_fromALocalMavenRepository() throws Exception {
    String localRepository = System.getenv("MLCI_MAVEN_REPO");
    assertThat(localRepository).as("the pom's MLCI_MAVEN_REPO").startsWith("file:");
    Path repo = Tools.copyExample("breast-cancer-mlp", tmp);
    Path cache = Files.createDirectories(tmp.resolve("empty-djl-cache"));
    Path mlciCache = Files.createDirectories(tmp.resolve("empty-mlci-cache"));
    java.util.Map<String, String> offline = new java.util.HashMap<>(deadNetwork());
    offline.put("DJL_CACHE_DIR", cache.toString());
    offline.put("MLCI_CACHE_DIR", mlciCache.toString());
    offline.put("MLCI_MAVEN_REPO", localRepository);

    Tools.Result run = Tools.mlci(offline, "run", repo.toString(), "--json", "--progress", "none");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.json().at("/evaluate/metrics/roc_auc").asDouble()).isGreaterThanOrEqualTo(0.98);
    try (Stream<Path> files = Files.walk(mlciCache)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("mlci fetched pytorch-native-cpu and unpacked PyTorch into its cache")
          .contains("pytorch-native-cpu-2.7.1-linux-x86_64.jar", "libtorch_cpu.so");
    }
  }

  /**
   * With no Maven repository in reach, an mlp says what it needs and where to get it, exit 3, and
   * writes no model.
   */
  @Test
  void mlp_withNoRepositoryInReach_saysHowToGetPyTorch() throws Exception {
    Path repo = Tools.copyExample("breast-cancer-mlp", tmp.resolve("unreachable"));
    java.util.Map<String, String> offline = new java.util.HashMap<>(deadNetwork());
    offline.put("MLCI_CACHE_DIR", Files.createDirectories(tmp.resolve("no-cache")).toString());
    offline.put("MLCI_MAVEN_REPO", "http://127.0.0.1:9/maven2");

    Tools.Result run = Tools.mlci(offline, "train", repo.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains("cannot fetch ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64")
        .contains("http://127.0.0.1:9/maven2/ai/djl/pytorch/pytorch-native-cpu/2.7.1/")
        .contains("is this machine offline?")
        .contains("set MLCI_MAVEN_REPO to a Maven repository")
        .doesNotContain("Exception in thread")
        .doesNotContain("\tat ");
    assertThat(repo.resolve("mlci-out/model")).doesNotExist();
  }

  private static java.util.Map<String, String> deadNetwork() {
    return java.util.Map.of(
        "HTTP_PROXY",
        "http://127.0.0.1:9",
        "HTTPS_PROXY",
        "http://127.0.0.1:9",
        "JAVA_TOOL_OPTIONS",
        "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=9 -Dhttps.proxyHost=127.0.0.1"
            + " -Dhttps.proxyPort=9");
  }

  /** SHA-256 of every file under {@code dir} except run.json, the one file with timestamps. */
  static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString();
        // run.json and the run records (mlruns/, tracking.json) say when and which run.
        if (!p.getFileName().toString().equals("run.json")
            && !rel.startsWith("mlruns")
            && !rel.equals("tracking.json")) {
          out.put(rel, dev.mlci.format.Digests.sha256Hex(p));
        }
      }
    }
    return out;
  }
}
