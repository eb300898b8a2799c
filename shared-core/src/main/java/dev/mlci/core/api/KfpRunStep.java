package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.pipeline.KfpClient;
import dev.mlci.core.pipeline.KfpPipeline;
import dev.mlci.core.pipeline.PipelineDefinition;
import dev.mlci.core.pipeline.ResultBundle;
import dev.mlci.core.pipeline.TreeCopy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mlci run --on kfp}: submits the pipeline {@code mlci pipeline kfp} writes to a Kubeflow
 * Pipelines API server (v2beta1, the spec inline in the run), follows the run's tasks until it
 * ends, and downloads the gate task's {@code bundle} artifact through the artifact service's signed
 * URL: the evaluation goes into the output folder's {@code eval} (as {@code mlci evaluate} would
 * write it), the cluster's reports and the run's record into {@code kfp/}. Gating is not part of
 * this step: the runner gates the downloaded evaluation against the target branch's baseline as
 * {@code mlci run} does ({@link GateStep}), so the verdict on the pull request is the runner's.
 */
public final class KfpRunStep extends Step<KfpRunResult> {
  /** The output folder of the run's record and the cluster's reports. */
  public static final String DIR = "kfp";

  /** The run's record in {@value #DIR}: id, endpoint, each task's state. */
  public static final String RUN_FILE = "run.json";

  /** Where a Kubeflow pod's projected service-account token lies unless the environment says. */
  public static final String SA_TOKEN = "/var/run/secrets/kubeflow/pipelines/token";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KfpRunOptions options;

  private StepOutput output;

  public KfpRunStep(StepContext context, Plan plan, KfpRunOptions options) {
    super(context, plan);
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  @Override
  protected KfpRunResult run() throws MlciException {
    long started = context.clock().millis();
    Workspace ws = plan.workspace();
    output = StepOutput.claimUntracked(context, "kfp", ws, DIR, Workspace.EVAL_DIR);
    if (!PipelineDefinition.PINNED.matcher(options.pipeline().image()).matches()) {
      throw new BadInputException(
          Problem.in(
              "--runner-image",
              "",
              "'"
                  + options.pipeline().image()
                  + "' is not pinned by digest; the cluster must run exactly the image that was"
                  + " built.",
              "pass the runner image pinned by digest (REPO@sha256:DIGEST), as its build prints"
                  + " it."));
    }
    PipelineDefinition d = PipelineStep.definition(plan, options.pipeline());
    KfpClient client;
    try {
      client = new KfpClient(options.endpoint(), token(), Duration.ofSeconds(60));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(
              "--kfp-endpoint",
              "",
              e.getMessage() + ".",
              "give the KFP API server's URL, e.g. https://kfp.example.com/pipeline."));
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("repository", d.repository());
    params.put("git_commit", d.commit());
    params.put("data_digest", d.dataDigest());
    params.put("target_branch", d.targetBranch());
    String display = d.name() + "-" + d.commit().substring(0, 12);
    KfpClient.Run run =
        call(
            () ->
                client.createRun(
                    display, KfpPipeline.pipelineSpec(d), params, options.experimentId()));
    context.progress().info("kfp: run " + run.runId() + " submitted to " + options.endpoint());
    KfpClient.Run ended = follow(client, run);
    return collect(client, d, params, ended, started);
  }

  private KfpRunResult collect(
      KfpClient client,
      PipelineDefinition d,
      Map<String, String> params,
      KfpClient.Run run,
      long started)
      throws MlciException {
    Workspace ws = plan.workspace();
    if (!run.state().equals("SUCCEEDED")) {
      String task =
          run.failedTask()
              .map(
                  t ->
                      "task '"
                          + t.name()
                          + "' failed"
                          + t.error().map(m -> ": " + m).orElse(" (no message)"))
              .orElse("no task failed" + run.error().map(m -> "; the run says: " + m).orElse(""));
      throw new EnvironmentException(
          "the Kubeflow run " + run.runId() + " ended " + run.state() + ": " + task, null);
    }
    KfpClient.Task gate =
        run.tasks().stream()
            .filter(t -> t.outputs().containsKey(KfpPipeline.BUNDLE))
            .filter(t -> !t.outputs().get(KfpPipeline.BUNDLE).isEmpty())
            .findFirst()
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        "the Kubeflow run "
                            + run.runId()
                            + " lists no task with the output artifact '"
                            + KfpPipeline.BUNDLE
                            + "'; the gate task's results cannot be downloaded.",
                        null));
    String artifactId = gate.outputs().get(KfpPipeline.BUNDLE).get(0);
    Path scratch;
    try {
      scratch = Files.createTempDirectory("mlci-kfp-");
    } catch (IOException e) {
      throw new EnvironmentException("cannot make a scratch folder: " + e, e);
    }
    Path zip = scratch.resolve("bundle.zip");
    try {
      client.download(artifactId, zip);
    } catch (KfpClient.KfpException e) {
      if (e.status() != 404) {
        call(
            () -> {
              throw e;
            });
      }
      throw new EnvironmentException(
          "the KFP API server has no artifact download for artifact "
              + artifactId
              + " ("
              + e.getMessage()
              + "). Fetching the results needs KFP's artifact service (GET"
              + " /apis/v2beta1/artifacts/{artifact_id}?view=DOWNLOAD, as Data Science Pipelines"
              + " serves it).",
          e);
    }
    Path unpacked = scratch.resolve("bundle");
    String clusterVerdict;
    try {
      ResultBundle.unpack(zip, unpacked);
      if (!Files.isRegularFile(
          unpacked.resolve(ResultBundle.EVAL).resolve(EvaluationBundle.FILE))) {
        throw new IOException("it holds no " + ResultBundle.EVAL + "/" + EvaluationBundle.FILE);
      }
      JsonNode gateJson =
          JSON.readTree(unpacked.resolve(ResultBundle.GATE).resolve("gate.json").toFile());
      clusterVerdict = gateJson.path("verdict").asString("");
    } catch (IOException | tools.jackson.core.JacksonException e) {
      throw new EnvironmentException(
          "the gate task's bundle (artifact " + artifactId + ") is not what it writes: " + e, e);
    }
    Map<String, String> tasks = new LinkedHashMap<>();
    run.tasks().forEach(t -> tasks.put(t.name(), t.state()));
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("run_id", run.runId());
    record.put("endpoint", options.endpoint().toString());
    record.put("pipeline", d.name());
    record.put("state", run.state());
    record.put("cluster_verdict", clusterVerdict);
    record.put("bundle_artifact_id", artifactId);
    ObjectNode p = record.putObject("parameters");
    params.forEach(p::put);
    ObjectNode ts = record.putObject("tasks");
    tasks.forEach(ts::put);
    Path runDir = ws.out().resolve(DIR);
    output.write(
        runDir,
        "the Kubeflow run's record",
        staging -> {
          TreeCopy.copy(unpacked.resolve(ResultBundle.GATE), staging.resolve("cluster-gate"));
          Files.writeString(
              staging.resolve(RUN_FILE), record.toPrettyString() + "\n", StandardCharsets.UTF_8);
        });
    output.write(
        ws.evalDir(),
        "the evaluation from the Kubeflow run",
        staging -> {
          TreeCopy.copy(unpacked.resolve(ResultBundle.EVAL), staging);
        });
    deleteQuietly(scratch);
    return new KfpRunResult(
        run.runId(),
        d.name(),
        options.endpoint().toString(),
        tasks,
        clusterVerdict,
        ws.evalDir(),
        runDir,
        context.clock().millis() - started);
  }

  /** Polls until the run ends or the timeout passes (then asks the server to terminate it). */
  private KfpClient.Run follow(KfpClient client, KfpClient.Run run) throws MlciException {
    long deadline = context.clock().millis() + options.timeout().toMillis();
    Map<String, String> seen = new LinkedHashMap<>();
    String runState = "";
    while (true) {
      for (KfpClient.Task t : run.tasks()) {
        if (!t.state().equals(seen.put(t.name(), t.state()))) {
          context.progress().info("kfp: task " + t.name() + " " + t.state());
        }
      }
      if (!run.state().equals(runState)) {
        runState = run.state();
        context.progress().info("kfp: run " + run.runId() + " " + runState);
      }
      if (run.finished()) {
        return run;
      }
      if (context.clock().millis() >= deadline) {
        String id = run.runId();
        String terminated;
        try {
          client.terminate(id);
          terminated = "it was asked to terminate";
        } catch (KfpClient.KfpException e) {
          terminated = "terminating it failed too: " + e.getMessage();
        }
        throw new EnvironmentException(
            "the Kubeflow run "
                + id
                + " did not end within "
                + options.timeout().toSeconds()
                + " s (it is "
                + run.state()
                + "); "
                + terminated
                + ". Give it longer with a larger timeout, or give training more compute.",
            null);
      }
      try {
        Thread.sleep(options.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EnvironmentException("interrupted while following run " + run.runId(), e);
      }
      String id = run.runId();
      run = call(() -> client.getRun(id));
    }
  }

  private interface ApiCall<T> {
    T call() throws KfpClient.KfpException;
  }

  /** One API call, its failure as mlci's error: 4xx the user's (exit 2), the rest exit 3. */
  private <T> T call(ApiCall<T> c) throws MlciException {
    try {
      return c.call();
    } catch (KfpClient.KfpException e) {
      int s = e.status();
      if (s == 401 || s == 403) {
        throw new BadInputException(
            Problem.in(
                "--kfp-endpoint",
                "",
                e.getMessage() + ".",
                "set KFP_TOKEN to a token the API server accepts (or run where the pod's"
                    + " service-account token is mounted)."));
      }
      if (s >= 400 && s < 500) {
        throw new BadInputException(
            Problem.in(
                "--kfp-endpoint",
                "",
                e.getMessage() + ".",
                "check the URL is the KFP API server's (its v2beta1 API answers under"
                    + " /apis/v2beta1) and what the server says above."));
      }
      throw new EnvironmentException(
          e.getMessage()
              + (s == 0 ? ". Check the endpoint and that the runner can reach the cluster." : ""),
          e);
    }
  }

  /** The bearer token: {@code KFP_TOKEN}, else a mounted service-account token; never printed. */
  private Optional<String> token() throws MlciException {
    String t = options.env().getOrDefault("KFP_TOKEN", "").strip();
    if (!t.isEmpty()) {
      return Optional.of(t);
    }
    Path file = Path.of(options.env().getOrDefault("KF_PIPELINES_SA_TOKEN_PATH", SA_TOKEN));
    if (Files.isReadable(file)) {
      try {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
      } catch (IOException e) {
        throw new EnvironmentException("cannot read the service-account token " + file, e);
      }
    }
    return Optional.empty();
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a scratch folder under the temporary directory
    }
  }

  static List<String> taskNames() {
    return List.of("checkout", "train", "evaluate", KfpPipeline.GATE_TASK);
  }
}
