package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlci evaluate} scores a model only on the inputs it was trained with: another split would
 * put training rows into the test set, other column roles would encode rows differently.
 */
class EvaluateConsistencyTest {
  @TempDir Path tmp;
  SampleRepo repo;

  @BeforeEach
  void trained() throws Exception {
    repo = new SampleRepo(tmp.resolve("repo"));
    CliRun r = repo.run("train");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  private CliRun evaluateAfter(String changedConfig) throws Exception {
    repo.config(changedConfig);
    return repo.run("evaluate");
  }

  @Test
  void unchangedInputs_evaluate() throws Exception {
    CliRun r = evaluateAfter(SampleRepo.CONFIG + "# a comment changes nothing that matters\n");

    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void changedSplit_isRefused() throws Exception {
    CliRun r =
        evaluateAfter(
            SampleRepo.CONFIG.replace(
                "  id: id", "  id: id\n  split: {test_fraction: 0.9, seed: 5}"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "data.split: the split differs: trained with hash, test_fraction 0.2, seed 42, now hash,"
                + " test_fraction 0.9, seed 5")
        .contains("Fix: train again");
    assertThat(repo.out().resolve("eval")).doesNotExist();
  }

  @Test
  void changedColumnRoles_areRefused() throws Exception {
    CliRun r =
        evaluateAfter(SampleRepo.CONFIG.replace("categorical: [color]", "categorical: [color, y]"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "data.categorical: the categorical columns differ: trained with [color], now [y, color]");
  }

  @Test
  void changedData_isRefused() throws Exception {
    repo.data(SampleRepo.csv().replace("r03,", "r03x,"));

    CliRun r = repo.run("evaluate");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("the data files differ");
  }

  @Test
  void reportedTrainer_isTheModelsNotTheConfigs() throws Exception {
    CliRun r =
        evaluateAfter(
            SampleRepo.CONFIG.replace(
                "trainer: logistic\n    params:\n      max_iter: 100", "trainer: cart"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(repo.out().resolve("eval/metrics.json")))
        .contains("\"trainer\" : \"logistic\"");
  }

  @Test
  void retraining_removesTheEvaluationOfThePreviousModel() throws Exception {
    assertThat(repo.run("evaluate").exit()).isZero();
    assertThat(repo.out().resolve("eval")).exists();

    CliRun r = repo.run("train");

    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("it evaluated the previous model");
    assertThat(repo.out().resolve("eval")).doesNotExist();
  }

  @Test
  void unseenCategory_isAWarning() throws Exception {
    String csv = SampleRepo.csv();
    // r09 is a test row under the hash split; give it a color training never saw.
    repo.data(csv);
    repo.config(
        SampleRepo.CONFIG.replace(
            "  path: data/d.csv", "  train: data/train.csv\n  test: data/test.csv"));
    Files.writeString(repo.dir.resolve("data/train.csv"), csv);
    Files.writeString(
        repo.dir.resolve("data/test.csv"),
        "id,x,y,color,label\nt1,1.5,2,green,a\nt2,-0.5,3,red,b\n");

    CliRun r = repo.run("run");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("warning: 1 test value(s) have a category never seen in training")
        .contains("data/test.csv row 1, column 'color': 'green'");
  }
}
