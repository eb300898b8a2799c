package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster commands' input errors: exit 2, naming the option and the fix, no stack trace. */
class PipelineCommandTest {
  @TempDir Path tmp;

  @Test
  void pipelineKfp_withoutImage_isAUsageError() {
    CliRun r = CliRun.of("pipeline", "kfp", tmp.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--image").doesNotContain("Exception");
  }

  @Test
  void pipelineK8s_unknownKind_namesTheKinds() {
    CliRun r =
        CliRun.of(
            "pipeline",
            "k8s",
            tmp.toString(),
            "--kind",
            "cronjob",
            "--image",
            "r.example.com/x@sha256:" + "ab".repeat(32));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'cronjob' is not a kind").contains("job or trainjob");
  }

  @Test
  void task_unknown_namesTheTasks() {
    CliRun r = CliRun.of("task", "deploy", "--workspace", tmp.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'deploy' is not a task").contains("checkout, train");
  }

  @Test
  void task_trainWithoutModel_namesTheMissingArgument() {
    CliRun r =
        CliRun.of(
            "task",
            "gate",
            "--workspace",
            tmp.resolve("absent").toString(),
            "--model",
            tmp.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("Exception");
  }

  @Test
  void task_registerWithoutTheLinkArtifact_isExit2NamingIt() {
    CliRun r =
        CliRun.of(
            "task",
            "register",
            "--workspace",
            tmp.toString(),
            "--model",
            tmp.toString(),
            "--tracking-in",
            tmp.resolve("no-link").toString(),
            "--mlflow-tracking-uri",
            "http://127.0.0.1:5000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("--tracking-in")
        .contains("no-link does not exist")
        .doesNotContain("Exception");
  }

  @Test
  void imageCli_withAJarThatIsNotThere_isTheUsersError() {
    CliRun r =
        CliRun.of(
            "image",
            "cli",
            "--jar",
            tmp.resolve("nope.jar").toString(),
            "--base",
            "tar://" + tmp.resolve("base.tar"),
            "--target",
            "tar://" + tmp.resolve("out.tar"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--jar").contains("nope.jar");
  }
}
