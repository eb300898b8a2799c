package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18 deliverable 4: {@code mlci run --on kfp} against {@link KfpApiStandIn}, a local stand-in
 * of the Kubeflow Pipelines API server (no cluster runs here) that validates every request and
 * answer against kubeflow/pipelines' own v2beta1 swagger files and runs the submitted pipeline
 * spec's tasks with the runner image's CLI. The runner gates the downloaded evaluation itself: its
 * verdict and gate.json equal those of {@code mlci run} on the same commit.
 */
class KfpRunIT {
  @TempDir static Path tmp;

  static final String TOKEN = "kfp-secret-token-4711";

  static KfpApiStandIn api;

  static Path repo;

  @BeforeAll
  static void start() throws Exception {
    repo = KfpPipelineIT.repository(Files.createDirectories(tmp.resolve("source")));
    api = KfpApiStandIn.start(tmp.resolve("kfp-store"), TOKEN);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static Tools.Result onKfp(Map<String, String> env, Path out, String... more) throws Exception {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "run",
                repo.toString(),
                "--on",
                "kfp",
                "--kfp-endpoint",
                api.endpoint(),
                "--runner-image",
                KfpPipelineIT.FAKE_IMAGE,
                "--repository",
                repo.toString(),
                "--kfp-poll",
                "1s",
                "--out",
                out.toString()));
    args.addAll(java.util.List.of(more));
    return Tools.mlci(env, args.toArray(String[]::new));
  }

  @Test
  void runOnKfp_submitsPollsDownloadsAndGatesOnTheRunner_likeMlciRun() throws Exception {
    Path out = tmp.resolve("kfp-out");
    Tools.Result r = onKfp(Map.of("KFP_TOKEN", TOKEN), out, "--json");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(api.violations()).isEmpty();
    assertThat(api.calls())
        .contains("POST /apis/v2beta1/runs")
        .anyMatch(c -> c.matches("GET /apis/v2beta1/runs/[0-9a-f-]+"))
        .anyMatch(c -> c.matches("GET /apis/v2beta1/artifacts/[0-9]+"))
        .anyMatch(c -> c.startsWith("GET /store/"));
    // Progress on standard error, the token nowhere.
    assertThat(r.err()).contains("kfp: task train SUCCEEDED").contains("kfp: task gate SUCCEEDED");
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);

    JsonNode kfp = r.json().path("kfp");
    assertThat(kfp.path("tasks").toString())
        .isEqualTo(
            "{\"checkout\":\"SUCCEEDED\",\"train\":\"SUCCEEDED\",\"evaluate\":\"SUCCEEDED\","
                + "\"gate\":\"SUCCEEDED\",\"condition-1\":\"SKIPPED\"}");
    String runnerVerdict = r.json().path("gate").path("verdict").asString();

    // mlci run on the runner, same commit, same baseline.
    Path local = tmp.resolve("local-out");
    Tools.Result direct = Tools.mlci("run", repo.toString(), "--out", local.toString(), "--json");
    assertThat(direct.exit()).as(direct.err()).isZero();
    assertThat(direct.json().path("gate").path("baseline_source").asString()).isNotEqualTo("none");
    assertThat(runnerVerdict)
        .isEqualTo(direct.json().path("gate").path("verdict").asString())
        .isEqualTo(kfp.path("cluster_verdict").asString())
        .isEqualTo("PASS");
    JsonNode expected = Tools.JSON.readTree(local.resolve("eval/metrics.json").toFile());
    JsonNode actual = Tools.JSON.readTree(out.resolve("eval/metrics.json").toFile());
    assertThat(actual.path("metrics")).isEqualTo(expected.path("metrics"));
    JsonNode gate = Tools.JSON.readTree(out.resolve("gate/gate.json").toFile());
    JsonNode localGate = Tools.JSON.readTree(local.resolve("gate/gate.json").toFile());
    assertThat(gate.path("verdict")).isEqualTo(localGate.path("verdict"));
    assertThat(gate.path("rules")).isEqualTo(localGate.path("rules"));
    assertThat(out.resolve("gate/gate.md")).isRegularFile();
    assertThat(out.resolve("kfp/run.json")).isRegularFile();
    assertThat(out.resolve("kfp/cluster-gate/gate.json")).isRegularFile();
  }

  @Test
  void theAction_runOnKfp_runsOnTheClusterAndGatesOnTheRunner() throws Exception {
    try (var git = org.eclipse.jgit.api.Git.open(repo.toFile())) {
      if (git.getRepository().getConfig().getString("remote", "origin", "url") == null) {
        // The Action names no repository: the cluster clones the checkout's origin.
        git.remoteAdd()
            .setName("origin")
            .setUri(new org.eclipse.jgit.transport.URIish(repo.toString()))
            .call();
      }
    }
    Path outputs = tmp.resolve("github-output");
    Files.writeString(outputs, "");
    Map<String, String> env = new java.util.HashMap<>();
    env.put("INPUT_COMMAND", "run");
    env.put("INPUT_WORKING_DIRECTORY", repo.toString());
    env.put("INPUT_OUT", tmp.resolve("action-out").toString());
    env.put("INPUT_RUN_ON", "kfp");
    env.put("INPUT_KFP_ENDPOINT", api.endpoint());
    env.put("INPUT_RUNNER_IMAGE", KfpPipelineIT.FAKE_IMAGE);
    env.put("INPUT_KFP_TIMEOUT", "10m");
    env.put("INPUT_COMMENT", "false");
    env.put("KFP_TOKEN", TOKEN);
    env.put("GITHUB_OUTPUT", outputs.toString());
    env.put("GITHUB_ACTIONS", "true");
    Tools.Result r = Tools.mlci(env, "github-action");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(Files.readString(outputs)).contains("verdict<<").contains("PASS");
    // The token appears once, in the command that masks it in the log, nowhere else.
    assertThat((r.out() + r.err()).lines().filter(l -> l.contains(TOKEN)).toList())
        .containsExactly("::add-mask::" + TOKEN);
    assertThat(tmp.resolve("action-out/kfp/run.json")).isRegularFile();
    assertThat(api.violations()).isEmpty();
  }

  @Test
  void aFailingTask_failsTheRunWithThatTaskAndItsMessage_exit3() throws Exception {
    Path out = tmp.resolve("failed-out");
    Tools.Result r =
        Tools.mlci(
            Map.of("KFP_TOKEN", TOKEN),
            "run",
            repo.toString(),
            "--on",
            "kfp",
            "--kfp-endpoint",
            api.endpoint(),
            "--runner-image",
            KfpPipelineIT.FAKE_IMAGE,
            "--repository",
            tmp.resolve("no-such-repository").toString(),
            "--kfp-poll",
            "1s",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).contains("ended FAILED").contains("task 'checkout' failed");
    assertThat(out.resolve("gate")).doesNotExist();
    assertThat(out.resolve("eval")).doesNotExist();
    assertThat(api.violations()).isEmpty();
  }

  @Test
  void aWrongToken_isTheServersMessage_exit2_andTheTokenIsNotPrinted() throws Exception {
    Tools.Result r = onKfp(Map.of("KFP_TOKEN", "wrong-token-0815"), tmp.resolve("token-out"));
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("HTTP 401").contains("Unauthenticated").contains("KFP_TOKEN");
    assertThat(r.out() + r.err()).doesNotContain("wrong-token-0815");
  }

  @Test
  void anUnreachableEndpoint_isExit3() throws Exception {
    Tools.Result r =
        Tools.mlci(
            "run",
            repo.toString(),
            "--on",
            "kfp",
            "--kfp-endpoint",
            "http://127.0.0.1:9",
            "--runner-image",
            KfpPipelineIT.FAKE_IMAGE,
            "--repository",
            repo.toString(),
            "--out",
            tmp.resolve("unreachable-out").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach the Kubeflow Pipelines API at http://127.0.0.1:9");
  }

  @Test
  void aRunnerImageNotPinnedByDigest_isRefusedBeforeAnythingIsSubmitted_exit2() throws Exception {
    int before = api.calls().size();
    Tools.Result r =
        Tools.mlci(
            Map.of("KFP_TOKEN", TOKEN),
            "run",
            repo.toString(),
            "--on",
            "kfp",
            "--kfp-endpoint",
            api.endpoint(),
            "--runner-image",
            "registry.example.com/mlci/runner:latest",
            "--repository",
            repo.toString(),
            "--out",
            tmp.resolve("unpinned-out").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--runner-image").contains("is not pinned by digest");
    assertThat(api.calls()).hasSize(before);
  }

  @Test
  void aRunPastItsTimeout_isTerminated_exit3() throws Exception {
    Tools.Result r =
        onKfp(Map.of("KFP_TOKEN", TOKEN), tmp.resolve("timeout-out"), "--kfp-timeout", "2s");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err()).contains("did not end within 2 s").contains("asked to terminate");
    assertThat(api.calls()).anyMatch(c -> c.endsWith(":terminate"));
  }

  @Test
  void theStandIn_rejectsABodyTheSwaggerFileDoesNotDescribe() throws Exception {
    JsonNode drifted =
        Tools.JSON.readTree(
            "{\"display_name\":\"x\",\"pipelineSpec\":{},\"runtime_config\":{\"parameters\":{}}}");
    assertThat(api.check("run", "v2beta1Run", drifted)).isNotEmpty();
    JsonNode badState = Tools.JSON.readTree("{\"run_id\":\"a\",\"state\":\"DONE\"}");
    assertThat(api.check("run", "v2beta1Run", badState)).isNotEmpty();
    JsonNode ok =
        Tools.JSON.readTree(
            "{\"display_name\":\"x\",\"pipeline_spec\":{},\"runtime_config\":{\"parameters\":{}}}");
    assertThat(api.check("run", "v2beta1Run", ok)).isEmpty();
  }
}
