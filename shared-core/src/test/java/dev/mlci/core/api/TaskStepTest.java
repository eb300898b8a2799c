package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The pipeline's tasks on a real temporary git repository, without a container: checkout, train,
 * evaluate and gate handing artifacts on as Kubeflow would give the same verdict and metrics as the
 * steps run directly (example-repos' KfpPipelineIT runs the same tasks in the runner image under
 * Kubeflow's local runner).
 */
class TaskStepTest {
  @TempDir Path tmp;

  static final StepContext CONTEXT =
      StepContext.of(ProgressListener.NONE, Clock.systemUTC(), Map.of()).untracked();

  String commit;

  Path repository() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    StringBuilder csv = new StringBuilder("id,x1,x2,y\n");
    Random r = new Random(7);
    for (int i = 0; i < 240; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      csv.append(i).append(',').append(x1).append(',').append(x2).append(',');
      csv.append(x1 + 0.5 * x2 + 0.7 * r.nextGaussian() > 0 ? "yes" : "no").append('\n');
    }
    Files.writeString(repo.resolve("data.csv"), csv);
    Files.writeString(
        repo.resolve("ml.yaml"),
        "version: 1\nname: tiny-model\ntask: classification\n"
            + "data: {path: data.csv, target: y, id: id}\nmodel: {trainer: logistic}\n");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("init")
              .setAuthor("t", "t@example.com")
              .setCommitter("t", "t@example.com")
              .call()
              .name();
    }
    return repo;
  }

  static TaskOptions task(
      TaskOptions.Task t, Path ws, Path dir, String repo, String commit, String digest) {
    return new TaskOptions(
        t,
        ws,
        Optional.of(repo),
        Optional.of(commit),
        ".",
        "ml.yaml",
        Optional.ofNullable(digest),
        Optional.of(dir.resolve("model")),
        Optional.of(dir.resolve("evaluation")),
        Optional.of(dir.resolve("metrics")),
        Optional.of(dir.resolve("classification_metrics")),
        Optional.of(dir.resolve("reports")),
        Optional.of(dir.resolve("verdict")),
        Optional.of(dir.resolve("bundle")),
        Optional.of("main"),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        TaskOptions.Mlflow.none());
  }

  @Test
  void theTasksInOrder_giveTheMetricsAndVerdictOfTheStepsRunDirectly() throws Exception {
    Path repo = repository();
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    Path ws = art.resolve("workspace");
    for (TaskOptions.Task t : TaskOptions.Task.values()) {
      // containerize needs a base image and builds with Jib, register an MLflow server:
      // KfpPipelineIT runs both in the pipeline.
      if (t != TaskOptions.Task.JOB
          && t != TaskOptions.Task.CONTAINERIZE
          && t != TaskOptions.Task.REGISTER) {
        new TaskStep(CONTEXT, task(t, ws, art, repo.toString(), commit, null)).call();
      }
    }
    // The input artifact stays as checkout wrote it: no mlci-out inside.
    assertThat(ws.resolve("mlci-out")).doesNotExist();
    assertThat(ws.resolve(".git")).isDirectory();

    Mlci mlci = new Mlci(CONTEXT);
    Plan plan = Mlci.plan(Workspace.of(repo, Optional.empty(), Optional.of(tmp.resolve("direct"))));
    mlci.train(plan);
    mlci.evaluate(plan);
    GateOutcome g = mlci.gate(plan, GateOptions.defaults(Map.of()));

    ObjectMapper json = new ObjectMapper();
    JsonNode direct = json.readTree(plan.workspace().evalDir().resolve("metrics.json").toFile());
    JsonNode viaTasks = json.readTree(art.resolve("metrics").toFile());
    assertThat(viaTasks.path("metrics")).isEqualTo(direct.path("metrics"));
    assertThat(Files.readString(art.resolve("verdict"))).isEqualTo(g.verdict());
    assertThat(art.resolve("reports/gate.json")).isRegularFile();
    // A classifier's ClassificationMetrics: the confusion matrix counts every test example.
    JsonNode cm = json.readTree(art.resolve("classification_metrics").toFile());
    long total = 0;
    for (JsonNode row : cm.path("confusionMatrix").path("rows")) {
      for (JsonNode v : row.path("row")) {
        total += v.asLong();
      }
    }
    assertThat(total).isEqualTo(viaTasks.path("n").asLong());
    // The bundle mlci run --on kfp downloads: the evaluation and the reports, as the tasks wrote
    // them.
    Path unpacked = tmp.resolve("unpacked");
    dev.mlci.core.pipeline.ResultBundle.unpack(art.resolve("bundle"), unpacked);
    assertThat(unpacked.resolve("eval/metrics.json"))
        .hasSameBinaryContentAs(art.resolve("metrics"));
    assertThat(unpacked.resolve("gate/gate.json"))
        .hasSameBinaryContentAs(art.resolve("reports/gate.json"));
    assertThat(art.resolve("model/checksums.sha256")).exists();
  }

  @Test
  void train_withDataOtherThanThePipelineWasWrittenFor_isRefused() throws Exception {
    Path repo = repository();
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    Path ws = art.resolve("workspace");
    new TaskStep(CONTEXT, task(TaskOptions.Task.CHECKOUT, ws, art, repo.toString(), commit, null))
        .call();
    String wrong = "sha256:" + "0".repeat(64);
    assertThatThrownBy(
            () ->
                new TaskStep(
                        CONTEXT,
                        task(TaskOptions.Task.TRAIN, ws, art, repo.toString(), commit, wrong))
                    .call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--data-digest")
        .hasMessageContaining("not " + wrong);
    assertThat(art.resolve("model")).doesNotExist();
  }

  @Test
  void checkout_ofACommitTheRepositoryLacks_isTheUsersError() throws Exception {
    Path repo = repository();
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    String missing = "ab".repeat(20);
    assertThatThrownBy(
            () ->
                new TaskStep(
                        CONTEXT,
                        task(
                            TaskOptions.Task.CHECKOUT,
                            art.resolve("ws"),
                            art,
                            repo.toString(),
                            missing,
                            null))
                    .call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--commit")
        .hasMessageContaining(missing);
  }

  /** {@code o} with the MLflow side {@code m}. */
  static TaskOptions with(TaskOptions o, TaskOptions.Mlflow m) {
    return new TaskOptions(
        o.task(),
        o.workspace(),
        o.repository(),
        o.commit(),
        o.project(),
        o.config(),
        o.dataDigest(),
        o.model(),
        o.evaluation(),
        o.metrics(),
        o.classificationMetrics(),
        o.reports(),
        o.verdict(),
        o.bundle(),
        o.targetBranch(),
        o.out(),
        o.executorInput(),
        o.executorOutput(),
        o.env(),
        o.base(),
        o.imageTarget(),
        Optional.of(o.workspace().resolveSibling("image")),
        o.allowInsecureRegistries(),
        m);
  }

  static TaskOptions.Mlflow mlflow(String uri, Path in, Path out) {
    return new TaskOptions.Mlflow(
        Optional.ofNullable(uri),
        Optional.ofNullable(in),
        Optional.ofNullable(out),
        Optional.empty(),
        Optional.empty());
  }

  @Test
  void theLink_isHandedFromTrainToEvaluateToGate_andTheParameterReplacesMlYamlsServer()
      throws Exception {
    Path repo = repository();
    // ml.yaml names a server that is not there and requires it: the pipeline's empty
    // mlflow_tracking_uri replaces it, so no task tries it.
    Files.writeString(
        repo.resolve("ml.yaml"),
        Files.readString(repo.resolve("ml.yaml"))
            + "tracking: {uri: 'http://127.0.0.1:9', required: true}\n");
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("tracking")
              .setAuthor("t", "t@example.com")
              .setCommitter("t", "t@example.com")
              .call()
              .name();
    }
    StepContext tracked = StepContext.of(ProgressListener.NONE, Clock.systemUTC(), Map.of());
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    Path ws = art.resolve("workspace");
    String r = repo.toString();
    new TaskStep(tracked, task(TaskOptions.Task.CHECKOUT, ws, art, r, commit, null)).call();
    Path fromTrain = art.resolve("train-tracking");
    Path fromEvaluate = art.resolve("evaluate-tracking");
    Path fromGate = art.resolve("gate-tracking");
    new TaskStep(
            tracked,
            with(
                task(TaskOptions.Task.TRAIN, ws, art, r, commit, null),
                mlflow("", null, fromTrain)))
        .call();
    new TaskStep(
            tracked,
            with(
                task(TaskOptions.Task.EVALUATE, ws, art, r, commit, null),
                mlflow("", fromTrain, fromEvaluate)))
        .call();
    new TaskStep(
            tracked,
            with(
                task(TaskOptions.Task.GATE, ws, art, r, commit, null),
                mlflow("", fromEvaluate, fromGate)))
        .call();
    ObjectMapper json = new ObjectMapper();
    JsonNode train = json.readTree(fromTrain.toFile());
    JsonNode gate = json.readTree(fromGate.toFile());
    assertThat(train.path("model_digest").asString()).matches("[0-9a-f]{64}");
    assertThat(gate.path("model_digest")).isEqualTo(train.path("model_digest"));
    assertThat(gate.path("experiment").asString()).isEqualTo("tiny-model");
    assertThat(gate.has("server")).as(gate.toString()).isFalse();
  }

  @Test
  void register_withoutAServer_withoutTheLink_orWithALinkToAnotherServer_isRefused()
      throws Exception {
    Path repo = repository();
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    Path ws = art.resolve("workspace");
    String r = repo.toString();
    for (TaskOptions.Task t :
        new TaskOptions.Task[] {TaskOptions.Task.CHECKOUT, TaskOptions.Task.TRAIN}) {
      new TaskStep(CONTEXT, task(t, ws, art, r, commit, null)).call();
    }
    Files.createDirectories(art.resolve("image"));
    Path link = art.resolve("tracking");
    Files.writeString(
        link,
        "{\"model_digest\": \"sha256:00\", \"server\": {\"uri\": \"http://mlflow-a:5000\","
            + " \"run_id\": \"r1\"}}");
    TaskOptions register = task(TaskOptions.Task.REGISTER, ws, art, r, commit, null);

    assertThatThrownBy(() -> new TaskStep(CONTEXT, with(register, mlflow("", link, null))).call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--mlflow-tracking-uri")
        .hasMessageContaining("mlflow_tracking_uri is empty");
    assertThatThrownBy(
            () ->
                new TaskStep(CONTEXT, with(register, mlflow("http://mlflow-a:5000", null, null)))
                    .call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--tracking-in")
        .hasMessageContaining("link to the model's MLflow run");
    assertThatThrownBy(
            () ->
                new TaskStep(CONTEXT, with(register, mlflow("http://mlflow-b:5000/", link, null)))
                    .call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--tracking-in")
        .hasMessageContaining("is on http://mlflow-a:5000, not on http://mlflow-b:5000");
    Files.writeString(link, "{}\n");
    assertThatThrownBy(
            () ->
                new TaskStep(CONTEXT, with(register, mlflow("http://mlflow-a:5000", link, null)))
                    .call())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("recorded no run on an MLflow server");
  }
}
