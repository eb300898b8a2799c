package dev.mlci.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local record's layout is MLflow's file store; MlflowIT reads it with MLflow itself. Here: the
 * layout's details and reading it back for {@code mlci runs}.
 */
class LocalRunStoreTest {
  @TempDir Path tmp;

  @Test
  void aRunIsWrittenInTheFileStoreLayoutAndReadBack() throws Exception {
    LocalRunStore store = new LocalRunStore(tmp.resolve("mlruns"));
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");

    LocalRunStore.Ref ref = store.create("bc", "bc@main-1a2b3c4", 1_000L, "ci");
    store.log(
        ref,
        new RunData.Builder()
            .param("model.trainer", "logistic")
            .tag("mlflow.source.git.commit", "1a2b3c4d")
            .metric("training_loss", 0.9, 1, 1_100L)
            .metric("training_loss", 0.4, 2, 1_200L)
            .input(
                new RunData.DatasetInput(
                    "bc-train", "0123456789abcdef", "{\"uri\":\"d.csv\"}", "{}", "{}", "training"))
            .artifact(model, "model")
            .build());
    store.log(ref, new RunData.Builder().metric("roc_auc", 0.99, 0, 2_000L).build());
    store.terminate(ref, RunStatus.FINISHED, 2_100L);

    Path run = tmp.resolve("mlruns").resolve(ref.experimentId()).resolve(ref.runId());
    assertThat(ref.experimentId()).isEqualTo("1");
    assertThat(ref.runId()).matches("[0-9a-f]{32}");
    assertThat(Files.readString(tmp.resolve("mlruns/0/meta.yaml"))).contains("name: Default");
    assertThat(Files.readString(tmp.resolve("mlruns/1/meta.yaml")))
        .contains("experiment_id: '1'")
        .contains("name: bc");
    assertThat(Files.readString(run.resolve("meta.yaml")))
        .contains("status: 3")
        .contains("end_time: 2100")
        .contains("run_name: bc@main-1a2b3c4");
    assertThat(Files.readAllLines(run.resolve("metrics/training_loss")))
        .containsExactly("1100 0.9 1", "1200 0.4 2");
    assertThat(run.resolve("params/model.trainer")).hasContent("logistic");
    assertThat(run.resolve("artifacts/model/MLmodel")).exists();
    assertThat(Files.list(run.resolve("inputs")).toList()).hasSize(1);

    List<LocalRun> runs = store.list();
    assertThat(runs)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.runName()).isEqualTo("bc@main-1a2b3c4");
              assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
              assertThat(r.metrics())
                  .containsEntry("training_loss", 0.4)
                  .containsEntry("roc_auc", 0.99);
              assertThat(r.params()).containsEntry("model.trainer", "logistic");
              assertThat(r.tags()).containsEntry("mlflow.runName", "bc@main-1a2b3c4");
            });
  }

  @Test
  void runsOfOneExperimentShareIt_newestFirst() throws Exception {
    LocalRunStore store = new LocalRunStore(tmp.resolve("mlruns"));
    LocalRunStore.Ref first = store.create("bc", "one", 1_000L, "");
    LocalRunStore.Ref second = store.create("bc", "two", 2_000L, "");
    LocalRunStore.Ref other = store.create("iris", "three", 3_000L, "");

    assertThat(second.experimentId()).isEqualTo(first.experimentId());
    assertThat(other.experimentId()).isEqualTo("2");
    assertThat(store.list()).extracting(LocalRun::runName).containsExactly("three", "two", "one");
  }

  @Test
  void keysThatWouldLeaveTheRunAreRefused() throws Exception {
    LocalRunStore store = new LocalRunStore(tmp.resolve("mlruns"));
    LocalRunStore.Ref ref = store.create("bc", "r", 1L, "");

    assertThatThrownBy(
            () -> store.log(ref, new RunData.Builder().param("../../escape", "x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../../escape");
    assertThat(tmp.resolve("mlruns/escape")).doesNotExist();
  }
}
