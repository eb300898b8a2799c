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
        Map.of());
  }

  @Test
  void theTasksInOrder_giveTheMetricsAndVerdictOfTheStepsRunDirectly() throws Exception {
    Path repo = repository();
    Path art = Files.createDirectories(tmp.resolve("artifacts"));
    Path ws = art.resolve("workspace");
    for (TaskOptions.Task t : TaskOptions.Task.values()) {
      // containerize needs a base image and builds with Jib: KfpPipelineIT runs it in the pipeline.
      if (t != TaskOptions.Task.JOB && t != TaskOptions.Task.CONTAINERIZE) {
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
}
