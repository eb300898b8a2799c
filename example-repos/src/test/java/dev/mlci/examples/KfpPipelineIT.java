package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18: the pipeline {@code mlci pipeline kfp} writes, checked and run by Kubeflow's own code.
 * The kfp SDK (in its own venv, .ci/requirements-kfp.txt) parses it strictly as a {@code
 * PipelineSpec}, loads it as a component and compiles a pipeline that uses it; then its local
 * runner ({@code kfp.local.DockerRunner}) runs it against podman's Docker-compatible API ({@code
 * podman system service}) on the runner image {@code mlci image cli} built (on the jlink'd test
 * base, since no base image can be pulled here). The run's verdict and metrics must equal those of
 * {@code mlci run} on the same commit, gated against the same baseline. The containerize task runs
 * only on the target branch and when the gate did not FAIL: the SDK's own {@code dsl.If} compiles
 * the same condition groups, and the local runner skips the task on a pull request's branch and
 * runs it on the target branch, where it pushes a serving image that {@code mlci verify-image} then
 * checks with podman.
 */
class KfpPipelineIT {
  @TempDir static Path tmp;

  static String python;

  static Process podmanService;

  static LocalRegistry registry;

  static LocalMlflow mlflow;

  @AfterAll
  static void stop() throws Exception {
    if (mlflow != null) {
      mlflow.close();
    }
    if (podmanService != null) {
      podmanService.destroy();
      podmanService.waitFor(10, TimeUnit.SECONDS);
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** The kfp SDK's interpreter, or a skip (a failure with MLCI_REQUIRE_PYTHON). */
  static String kfpPython() throws Exception {
    if (python == null) {
      Path venv = Tools.examples().getParent().resolve(".ci/venv-kfp/bin/python").normalize();
      String candidate = System.getenv().getOrDefault("MLCI_KFP_PYTHON", venv.toString());
      Tools.Result probe;
      try {
        probe = Tools.exec(List.of(candidate, "-c", "import kfp, kfp.local, docker, yaml"), tmp);
      } catch (java.io.IOException e) {
        probe = new Tools.Result(127, "", e.getMessage());
      }
      if (probe.exit() != 0) {
        Tools.skipOrFail(
            "MLCI_REQUIRE_PYTHON",
            "the kfp SDK is needed for the Kubeflow pipeline checks ("
                + candidate
                + "). Install: python3 -m venv .ci/venv-kfp && .ci/venv-kfp/bin/pip install -r"
                + " .ci/requirements-kfp.txt (or set MLCI_KFP_PYTHON)");
      }
      python = candidate;
    }
    return python;
  }

  static JsonNode kfp(String... args) throws Exception {
    return kfp(Map.of(), args);
  }

  static JsonNode kfp(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(kfpPython());
    cmd.add(Tools.examples().resolve("src/test/python/kfp_check.py").toString());
    cmd.addAll(List.of(args));
    Tools.Result r = Tools.exec(cmd, tmp, env);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    return Tools.JSON.readTree(lines[lines.length - 1]);
  }

  /**
   * The breast-cancer example as a git repository under {@code dir}: main with a recorded baseline,
   * then branch feature one commit ahead (a smaller C), checked out.
   */
  static Path repository(Path dir) throws Exception {
    Path repo = Tools.copyExample("breast-cancer", dir);
    try (var git = Tools.commitAll(repo, "baseline")) {
      Path out = dir.resolve("baseline-out");
      Tools.Result r = Tools.mlci("run", repo.toString(), "--out", out.toString(), "-q");
      assertThat(r.exit()).as(r.err()).isZero();
      r = Tools.mlci("baseline", "record", repo.toString(), "--out", out.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      git.checkout().setCreateBranch(true).setName("feature").call();
      Path yaml = repo.resolve("ml.yaml");
      Files.writeString(yaml, Files.readString(yaml) + "# feature branch\n");
      Tools.commitAll(repo, "feature").close();
    }
    return repo;
  }

  static String commit(Path repo) throws Exception {
    try (var git = org.eclipse.jgit.api.Git.open(repo.toFile())) {
      return git.getRepository().resolve("HEAD").name();
    }
  }

  static final String REMOTE = "https://git.example.com/acme/breast-cancer.git";

  static final String FAKE_IMAGE = "registry.example.com/mlci/runner@sha256:" + "ab".repeat(32);

  @Test
  void thePipeline_isParsedLoadedAndCompiledByTheKfpSdk_andIsStable() throws Exception {
    kfpPython();
    Path repo = repository(Files.createDirectories(tmp.resolve("validate")));
    Path out = tmp.resolve("validate-out");
    Tools.Result r =
        Tools.mlci(
            "pipeline",
            "kfp",
            repo.toString(),
            "--image",
            FAKE_IMAGE,
            "--repository",
            REMOTE,
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Path file = out.resolve("pipeline/kfp-pipeline.yaml");
    JsonNode v = kfp("validate", file.toString(), tmp.resolve("uses.yaml").toString());
    assertThat(v.path("name").asString()).isEqualTo("breast-cancer");
    assertThat(v.path("schema_version").asString()).isEqualTo("2.1.0");
    assertThat(v.path("tasks").path("train").path("deps").toString()).isEqualTo("[\"checkout\"]");
    assertThat(v.path("tasks").path("evaluate").path("deps").toString())
        .isEqualTo("[\"checkout\",\"train\"]");
    assertThat(v.path("tasks").path("gate").path("deps").toString())
        .isEqualTo("[\"checkout\",\"evaluate\",\"train\"]");
    assertThat(v.path("outputs").toString()).isEqualTo("[\"verdict\"]");
    assertThat(v.path("inputs").toString())
        .isEqualTo(
            "[\"branch\",\"data_digest\",\"git_commit\",\"image_target\","
                + "\"mlflow_tracking_uri\",\"model_alias\",\"repository\","
                + "\"serving_base\",\"target_branch\"]");
    assertThat(v.path("tasks").path("condition-1").path("deps").toString())
        .isEqualTo("[\"checkout\",\"gate\",\"train\"]");
    // The condition groups of containerize and register, and the MLflow link's wiring from train
    // to evaluate to gate, are what the SDK compiles from its own dsl.If and components.
    JsonNode c = kfp("conditions", file.toString(), tmp.resolve("sdk-conditions.yaml").toString());
    for (String part :
        List.of(
            "root_task",
            "root_tasks",
            "comp-condition-1",
            "comp-condition-2",
            "comp-condition-3",
            "comp-containerize",
            "comp-register",
            "comp-train",
            "task-train",
            "comp-evaluate",
            "task-evaluate",
            "comp-gate",
            "task-gate")) {
      assertThat(c.path(part).asBoolean()).as(part + ": " + c.toPrettyString()).isTrue();
    }
    assertThat(v.path("executors").path("exec-train").path("image").asString())
        .isEqualTo(FAKE_IMAGE);
    assertThat(v.path("compiled_components").toString()).contains("comp-breast-cancer");
    assertThat(v.path("executors").path("exec-evaluate").path("args").toString())
        .contains("--classification-metrics");

    // Same inputs, same bytes: again into another folder.
    Path again = tmp.resolve("validate-again");
    r =
        Tools.mlci(
            "pipeline",
            "kfp",
            repo.toString(),
            "--image",
            FAKE_IMAGE,
            "--repository",
            REMOTE,
            "--out",
            again.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(again.resolve("pipeline/kfp-pipeline.yaml")))
        .isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void thePipeline_withCompute_carriesResourcesAndRetriesKfpReads() throws Exception {
    kfpPython();
    Path repo = Tools.copyExample("breast-cancer", Files.createDirectories(tmp.resolve("compute")));
    Path yaml = repo.resolve("ml.yaml");
    Files.writeString(
        yaml,
        Files.readString(yaml)
            + "compute:\n  cpu: \"4\"\n  memory: 8Gi\n  gpu: 1\n  retries: 2\n  timeout: 3h\n");
    Tools.commitAll(repo, "compute").close();
    Path out = tmp.resolve("compute-out");
    Tools.Result r =
        Tools.mlci(
            "pipeline",
            "kfp",
            repo.toString(),
            "--image",
            FAKE_IMAGE,
            "--repository",
            "https://git.example.com/acme/bc.git",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode v =
        kfp(
            "validate",
            out.resolve("pipeline/kfp-pipeline.yaml").toString(),
            tmp.resolve("uses-compute.yaml").toString());
    assertThat(v.path("tasks").path("train").path("retry").asInt()).isEqualTo(2);
    JsonNode res = v.path("executors").path("exec-train").path("resources");
    assertThat(res.path("resourceCpuLimit").asString()).isEqualTo("4");
    assertThat(res.path("resourceMemoryLimit").asString()).isEqualTo("8Gi");
    assertThat(res.path("memoryLimit").asDouble()).isEqualTo(8.589934592);
    assertThat(res.path("accelerator").path("resourceType").asString()).isEqualTo("nvidia.com/gpu");
    assertThat(res.path("accelerator").path("resourceCount").asString()).isEqualTo("1");
    assertThat(v.path("executors").path("exec-evaluate").path("resources").isEmpty()).isTrue();
  }

  @Test
  void thePipeline_runsInKfpLocalRunnerOnPodman_withTheVerdictAndMetricsOfMlciRun()
      throws Exception {
    kfpPython();
    Tools.requireContainers();
    Path root = Files.createDirectories(tmp.resolve("kfp-root"));
    // The local runner mounts the pipeline root into every container at the same path: the
    // repository lies there so that the checkout task can clone it.
    Path repo = repository(Files.createDirectories(root.resolve("source")));
    String commit = commit(repo);
    // A real MLflow server for the tasks to track on and register in, started while the images
    // are built. On a loaded machine (load 20 on 2 cores) its start-up alone took 95 s and twice
    // missed LocalMlflow's 120 s limit: a start that times out is tried again, at most 3 times.
    Tools.mlflowPython();
    var mlflowStarting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              for (int attempt = 1; ; attempt++) {
                try {
                  return LocalMlflow.start(tmp.resolve("mlflow-" + attempt));
                } catch (java.io.IOException e) {
                  if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("did not answer")) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new java.util.concurrent.CompletionException(e);
                }
              }
            });
    registry = LocalRegistry.start(Files.createDirectories(tmp.resolve("registry")));
    String base = registry.host() + "/mlci-test/jre17-cli:latest";
    // The base as an air-gapped team makes it: mlci base-image (its modules serve the CLI too).
    BaseImage.build(tmp.resolve("base-cache"), base, null);
    Map<String, String> env = Map.of("MLCI_CACHE_DIR", tmp.resolve("cache").toString());
    Tools.Result built =
        Tools.mlci(
            env,
            "image",
            "cli",
            "--base",
            base,
            "--target",
            "registry://" + registry.host() + "/mlci/runner:test",
            "--allow-insecure-registries",
            "--json");
    assertThat(built.exit()).as(built.err()).isZero();
    String pinned = built.json().path("pinned").asString();
    assertThat(pinned).matches(".*/mlci/runner@sha256:[0-9a-f]{64}");
    assertThat(Tools.exec(List.of("podman", "pull", "--tls-verify=false", pinned), tmp).exit())
        .isZero();

    Path out = tmp.resolve("run-pipeline-out");
    Tools.Result r =
        Tools.mlci(
            "pipeline",
            "kfp",
            repo.toString(),
            "--image",
            pinned,
            "--repository",
            repo.toString(),
            "--serving-base",
            base,
            "--image-target",
            "registry://" + registry.host() + "/mlci/served:test",
            "--allow-insecure-registries",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();

    Path socket = tmp.resolve("podman.sock");
    podmanService =
        new ProcessBuilder(
                "podman",
                "--runtime",
                "runc",
                "system",
                "service",
                "--time",
                "0",
                "unix://" + socket)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("podman-service.log").toFile())
            .start();
    for (int i = 0; i < 100 && !Files.exists(socket); i++) {
      Thread.sleep(100);
    }
    assertThat(socket).exists();
    mlflow = mlflowStarting.join();
    String tracking = "mlflow_tracking_uri=" + mlflow.uri();
    // A pull request's run: the branch parameter is the checkout's (feature), so containerize and
    // register are skipped; train, evaluate and gate still track on the server.
    long started = System.currentTimeMillis() / 1000 - 1;
    JsonNode run =
        kfp(
            Map.of("DOCKER_HOST", "unix://" + socket),
            "run",
            out.resolve("pipeline/kfp-pipeline.yaml").toString(),
            root.toString(),
            repo.toString(),
            commit,
            tracking);
    assertThat(runnerContainersExited(started, 4)).hasSize(4).allMatch(l -> l.startsWith("0 "));
    assertThat(run.path("images").size()).as(run.toPrettyString()).isZero();
    assertThat(run.path("model_versions").size()).as(run.toPrettyString()).isZero();
    assertThat(servedTags().statusCode())
        .as("no serving image was pushed from the pull request's run")
        .isEqualTo(404);
    JsonNode afterFeature =
        Tools.mlflowCheck("count", mlflow.uri(), "breast-cancer", "breast-cancer", "test_examples");
    assertThat(afterFeature.path("runs").size())
        .as("one MLflow run for train, evaluate and gate: " + afterFeature.toPrettyString())
        .isEqualTo(1);
    assertThat(afterFeature.path("versions").size())
        .as("the pull request's run registered nothing")
        .isZero();
    String featureRun = afterFeature.path("runs").get(0).path("run_id").asString();

    checkVerdictAndMetrics(repo, run);

    // The target branch's run (its branch parameter main): the gate PASSes, so containerize runs
    // and pushes the serving image, which verify-image then runs with podman; then register
    // registers the model from the run train, evaluate and gate recorded.
    Thread.sleep(1100);
    long startedMain = System.currentTimeMillis() / 1000;
    JsonNode onMain =
        kfp(
            Map.of("DOCKER_HOST", "unix://" + socket),
            "run",
            out.resolve("pipeline/kfp-pipeline.yaml").toString(),
            root.toString(),
            repo.toString(),
            commit,
            "branch=main",
            tracking);
    assertThat(onMain.path("verdict").asString()).isEqualTo("PASS");
    assertThat(runnerContainersExited(startedMain, 6)).hasSize(6).allMatch(l -> l.startsWith("0 "));
    assertThat(onMain.path("images").size()).as(onMain.toPrettyString()).isEqualTo(1);
    Path image = Path.of(onMain.path("images").get(0).asString());
    JsonNode described = Tools.JSON.readTree(image.resolve("image.json").toFile());
    String served = described.path("reference").asString();
    assertThat(served).startsWith(registry.host() + "/mlci/served");
    assertThat(image.resolve("deploy")).isDirectory();
    assertThat(servedTags().body()).contains("\"test\"");
    checkRegistered(onMain, featureRun, described);
    // verify-image on the host, on what the tasks handed on: the model, the evaluation, the image.
    Path verifyOut = tmp.resolve("verify-out");
    Path runDir = image.getParent().getParent();
    dev.mlci.core.pipeline.TreeCopy.copy(
        onlyOne(runDir, "train", "model"), verifyOut.resolve("model"));
    dev.mlci.core.pipeline.TreeCopy.copy(
        onlyOne(runDir, "evaluate", "evaluation"), verifyOut.resolve("eval"));
    dev.mlci.core.pipeline.TreeCopy.copy(image, verifyOut.resolve("image"));
    Tools.Result verified =
        Tools.mlci(
            Map.of(
                "MLCI_CONTAINER_RUNTIME",
                "podman",
                "MLCI_CONTAINER_RUN_ARGS",
                ImageIT.RUN_ARGS,
                "MLCI_CACHE_DIR",
                tmp.resolve("cache").toString()),
            "verify-image",
            repo.toString(),
            "--out",
            verifyOut.toString(),
            "--json",
            "-q");
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
  }

  /**
   * What the main branch's register task did, read with MLflow's own client: the alias champion
   * points at a new version, the register task's output parameter; its run is the one train,
   * evaluate and gate of that pipeline run recorded into (train's parameters, evaluate's metrics,
   * the gate's verdict), not the pull request's; one run per pipeline run; the version is tagged
   * with the serving image containerize pushed.
   */
  static void checkRegistered(JsonNode onMain, String featureRun, JsonNode described)
      throws Exception {
    assertThat(onMain.path("model_versions").size()).as(onMain.toPrettyString()).isEqualTo(1);
    String version = onMain.path("model_versions").get(0).asString();
    JsonNode alias = Tools.mlflowCheck("alias", mlflow.uri(), "breast-cancer", "champion");
    assertThat(alias.path("version").asString()).isEqualTo(version).isEqualTo("1");
    JsonNode all =
        Tools.mlflowCheck("count", mlflow.uri(), "breast-cancer", "breast-cancer", "test_examples");
    assertThat(all.path("runs").size()).as(all.toPrettyString()).isEqualTo(2);
    assertThat(all.path("versions").size()).isEqualTo(1);
    String runId = alias.path("run_id").asString();
    assertThat(runId).isNotEqualTo(featureRun);
    JsonNode registered = null;
    for (JsonNode r : all.path("runs")) {
      if (r.path("run_id").asString().equals(runId)) {
        registered = r;
      }
    }
    assertThat(registered).as(all.toPrettyString()).isNotNull();
    assertThat(registered.path("params").path("model.trainer").asString()).isNotEmpty();
    JsonNode metrics =
        Tools.JSON
            .readTree(Path.of(onMain.path("metrics").get(0).asString()).toFile())
            .path("metrics");
    for (var m : metrics.properties()) {
      if (m.getValue().isNumber()) {
        assertThat(registered.path("metrics").has(m.getKey())).as(m.getKey()).isTrue();
      }
    }
    assertThat(registered.path("tags").path("mlci.gate.verdict").asString()).isEqualTo("PASS");
    assertThat(registered.path("artifacts").toString()).contains("model/").contains("eval/");
    Tools.Result tags =
        Tools.exec(
            List.of(
                Tools.mlflowPython(),
                "-c",
                "import json, sys\n"
                    + "from mlflow import MlflowClient\n"
                    + "c = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])\n"
                    + "print(json.dumps(c.get_model_version('breast-cancer', sys.argv[2]).tags))\n",
                mlflow.uri(),
                version),
            tmp);
    assertThat(tags.exit()).as(tags.err()).isZero();
    JsonNode versionTags = Tools.JSON.readTree(tags.out().strip());
    assertThat(versionTags.path("mlci.image").asString())
        .isEqualTo(described.path("reference").asString());
    assertThat(versionTags.path("mlci.image.digest").asString())
        .isEqualTo(described.path("digest").asString())
        .startsWith("sha256:");
  }

  /** The registry's tags of the serving image (the Distribution API; 404 if none was pushed). */
  static java.net.http.HttpResponse<String> servedTags() throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + registry.host() + "/v2/mlci/served/tags/list"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The one {@code TASK/NAME} artifact under a run's folder, wherever the runner nested it. */
  static Path onlyOne(Path runDir, String task, String name) throws Exception {
    try (var s = Files.walk(runDir)) {
      List<Path> found = s.filter(p -> p.endsWith(Path.of(task, name)) && Files.exists(p)).toList();
      assertThat(found).as(runDir + ": " + task + "/" + name).hasSize(1);
      return found.get(0);
    }
  }

  /**
   * The runner image's containers that died since {@code since}, as {@code EXIT IMAGE} lines. The
   * runner removes each container as it exits, so podman's events hold the exit codes (kfp_check.py
   * says why it needs them). podman 4.3's file event log once read back empty while other test
   * classes' podman runs wrote to it (CI, two classes at a time; the events were in the log): read
   * it again, a few times, until {@code expected} are there.
   */
  static List<String> runnerContainersExited(long since, int expected) throws Exception {
    Tools.Result events = null;
    List<String> died = List.of();
    for (int attempt = 0; attempt < 10 && died.size() < expected; attempt++) {
      if (attempt > 0) {
        Thread.sleep(1000);
      }
      events =
          Tools.exec(
              List.of(
                  "podman",
                  "events",
                  "--stream=false",
                  "--since",
                  String.valueOf(since),
                  "--filter",
                  "event=died",
                  "--format",
                  "{{.ContainerExitCode}} {{.Image}}"),
              tmp);
      died =
          events.out().lines().filter(l -> l.contains(registry.host() + "/mlci/runner")).toList();
    }
    assertThat(died).as(events.out() + events.err()).hasSize(expected);
    return died;
  }

  /** The run's verdict and metrics equal those of {@code mlci run} on the same commit. */
  static void checkVerdictAndMetrics(Path repo, JsonNode run) throws Exception {
    // mlci run on the runner, same commit, same baseline.
    Path local = tmp.resolve("local-out");
    Tools.Result direct = Tools.mlci("run", repo.toString(), "--out", local.toString(), "--json");
    assertThat(direct.exit()).as(direct.err()).isZero();
    String verdict = direct.json().path("gate").path("verdict").asString();
    assertThat(direct.json().path("gate").path("baseline_source").asString()).isNotEqualTo("none");
    assertThat(run.path("verdict").asString()).isEqualTo(verdict).isEqualTo("PASS");

    JsonNode expected = Tools.JSON.readTree(local.resolve("eval/metrics.json").toFile());
    assertThat(run.path("metrics").size()).isEqualTo(1);
    JsonNode actual = Tools.JSON.readTree(Path.of(run.path("metrics").get(0).asString()).toFile());
    assertThat(actual.path("metrics")).isEqualTo(expected.path("metrics"));
    assertThat(actual.path("n").asInt()).isEqualTo(expected.path("n").asInt());
    Path reports = Path.of(run.path("reports").get(0).asString());
    JsonNode gate = Tools.JSON.readTree(reports.resolve("gate.json").toFile());
    JsonNode localGate = Tools.JSON.readTree(local.resolve("gate/gate.json").toFile());
    assertThat(gate.path("verdict")).isEqualTo(localGate.path("verdict"));
    assertThat(gate.path("rules")).isEqualTo(localGate.path("rules"));

    // The classifier's system.ClassificationMetrics: exactly what the SDK's own
    // dsl.ClassificationMetrics writes for the same confusion matrix and ROC curve.
    assertThat(run.path("classification_metrics").size()).isEqualTo(1);
    JsonNode cm = kfp("classification", run.path("classification_metrics").get(0).asString());
    assertThat(cm.path("equal").asBoolean()).as(cm.toString()).isTrue();
    assertThat(cm.path("classes").asInt()).isEqualTo(2);
    assertThat(cm.path("points").asInt()).isBetween(2, 201);
  }
}
