package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never gives a stack trace or a half-written result: every case exits 2 with a message
 * naming the file, the line or row, the field and the fix, and writes nothing.
 */
class BadInputTest {
  @TempDir Path tmp;
  SampleRepo repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = new SampleRepo(tmp.resolve("repo"));
  }

  /**
   * Runs {@code mlci run}, expects exit 2, no stack trace, nothing written, and each fragment in
   * the message.
   */
  private String refused(String... fragments) {
    CliRun r = repo.run("run");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("error: ")
        .contains("Fix: ")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    for (String f : fragments) {
      assertThat(r.err()).contains(f);
    }
    assertThat(repo.out()).as("nothing may be written").doesNotExist();
    return r.err();
  }

  @Test
  void sampleRepo_isValid() {
    CliRun r = repo.run("run");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(repo.out().resolve("eval/metrics.json")).exists();
  }

  @Test
  void malformedYaml() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("  target: label", "  target: [label"));
    refused("ml.yaml:", "this is not valid YAML");
  }

  @Test
  void mlp_thatDiverges_pointsAtTheLearningRate() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace(
            "  trainer: logistic\n  params:\n    max_iter: 100",
            "  trainer: mlp\n  params:\n    epochs: 5\n    learning_rate: 1.0e+30"));
    refused("ml.yaml:", "model.params.learning_rate", "training diverged", "lower");
  }

  @Test
  void mlp_hiddenLayerWithoutUnits() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace(
            "  trainer: logistic\n  params:\n    max_iter: 100",
            "  trainer: mlp\n  params:\n    hidden_layers: [16, 0]"));
    refused("ml.yaml:", "hidden_layers");
  }

  @Test
  void trackingUri_thatIsNoServer() throws Exception {
    repo.config(SampleRepo.CONFIG + "tracking:\n  uri: ./mlruns\n");
    refused("ml.yaml:", "tracking.uri");
  }

  @Test
  void trackingRequired_notABoolean() throws Exception {
    repo.config(SampleRepo.CONFIG + "tracking:\n  required: yes please\n");
    refused("ml.yaml:", "tracking.required");
  }

  @Test
  void unknownKey_suggestsTheRightOne() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("  target: label", "  target: label\n  catgorical: [x]"));
    refused(
        "ml.yaml:6:3: data.catgorical: unknown key 'catgorical'.", "Did you mean 'categorical'?");
  }

  @Test
  void wrongType() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("max_iter: 100", "max_iter: five"));
    refused("ml.yaml:11:15: model.params.max_iter: expected an integer, got 'five'.");
  }

  @Test
  void missingTargetColumn() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("target: label", "target: lable"));
    refused(
        "ml.yaml:5:11: data.target: the column 'lable' is not in data/d.csv.",
        "Did you mean 'label'?");
  }

  @Test
  void nonNumericValueInNumericColumn() throws Exception {
    repo.data(SampleRepo.withLine(5, "r03,abc,3,red,b"));
    refused(
        "data/d.csv:5: row 4, column 'x': 'abc' is not a number.",
        "list 'x' under data.categorical");
  }

  @Test
  void missingMarkerInNumericColumn_pointsToNaValues() throws Exception {
    repo.data(SampleRepo.withLine(5, "r03,N/A,3,red,b"));
    refused(
        "data/d.csv:5: row 4, column 'x': 'N/A' is not a number.",
        "if 'N/A' marks a missing value, list it under data.na_values in ml.yaml; otherwise correct"
            + " the value");
  }

  @Test
  void continuousTargetUnderClassification_suggestsRegression() throws Exception {
    StringBuilder csv = new StringBuilder("id,x,y,color,label\n");
    for (int i = 0; i < 60; i++) {
      csv.append("r").append(i).append(",").append(i * 0.37).append(",1,red,a\n");
    }
    repo.data(csv.toString());
    repo.config(
        SampleRepo.CONFIG
            .replace("target: label", "target: x")
            .replace("categorical: [color]", "categorical: [color, label]"));
    refused(
        "ml.yaml:2:7: task: the target 'x' in data/d.csv holds continuous numbers (",
        "but task is classification",
        "set 'task: regression'");
  }

  @Test
  void raggedRow() throws Exception {
    repo.data(SampleRepo.withLine(8, "r06,1.6,6,red"));
    refused("data/d.csv:8: row 7: the row has 4 fields but the header has 5.");
  }

  @Test
  void emptyFile() throws Exception {
    repo.data("");
    refused("data/d.csv: the file is empty.");
  }

  @Test
  void headerOnly() throws Exception {
    repo.data("id,x,y,color,label\n");
    refused("data/d.csv:1: the file has a header but no data rows.");
  }

  @Test
  void duplicateHeader() throws Exception {
    repo.data(SampleRepo.withLine(1, "id,x,x,color,label"));
    refused("data/d.csv:1: x: the header names this column twice (columns 2 and 3).");
  }

  @Test
  void oneClassOnlyInTrainingData() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace(
            "  path: data/d.csv", "  train: data/train.csv\n  test: data/test.csv"));
    repo.data("id,x,y,color,label\nr1,1,2,red,a\nr2,2,3,blue,a\n");
    Files.writeString(
        repo.dir.resolve("data/train.csv"), "id,x,y,color,label\nr1,1,2,red,a\nr2,2,3,blue,a\n");
    Files.writeString(
        repo.dir.resolve("data/test.csv"), "id,x,y,color,label\nr3,1,2,red,a\nr4,2,3,blue,b\n");
    refused("data/train.csv: label: the training set has only one class ('a')");
  }

  @Test
  void testLabelUnseenInTraining() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace(
            "  path: data/d.csv", "  train: data/train.csv\n  test: data/test.csv"));
    Files.writeString(
        repo.dir.resolve("data/train.csv"), "id,x,y,color,label\nr1,1,2,red,a\nr2,2,3,blue,b\n");
    Files.writeString(
        repo.dir.resolve("data/test.csv"), "id,x,y,color,label\nr3,1,2,red,a\nr4,2,3,blue,c\n");
    refused(
        "data/test.csv:3: row 2, column 'label': the test label 'c' never occurs in the training set");
  }

  @Test
  void missingValueUnderMissingError() throws Exception {
    repo.data(SampleRepo.withLine(10, "r08,,1,red,a"));
    refused("data/d.csv:10: row 9, column 'x': the value is missing.", "missing: drop");
  }

  @Test
  void naValueUnderMissingError() throws Exception {
    repo.data(SampleRepo.withLine(10, "r08,NA,1,red,a"));
    refused(
        "data/d.csv:10: row 9, column 'x': the value is missing ('NA' is listed in data.na_values).");
  }

  @Test
  void nanValue() throws Exception {
    repo.data(SampleRepo.withLine(4, "r02,NaN,2,blue,a"));
    refused(
        "data/d.csv:4: row 3, column 'x': 'NaN' is not a finite number.", "leave the cell empty");
  }

  @Test
  void infinityValue() throws Exception {
    repo.data(SampleRepo.withLine(4, "r02,1.0,-Infinity,blue,a"));
    refused("data/d.csv:4: row 3, column 'y': '-Infinity' is not a finite number.");
  }

  @Test
  void dataPathOutsideTheRepository() throws Exception {
    Files.writeString(tmp.resolve("outside.csv"), SampleRepo.csv());
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: ../outside.csv"));
    refused(
        "ml.yaml:4:9: data.path: '../outside.csv' resolves to",
        "outside the repository",
        "keep data files inside");
  }

  @Test
  void dataFileMissing() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/nope.csv"));
    refused("ml.yaml:4:9: data.path: the data file 'data/nope.csv' does not exist");
  }

  @Test
  void unknownTrainer() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("trainer: logistic", "trainer: svm"));
    refused(
        "ml.yaml:9:12: model.trainer: unknown trainer 'svm' for task classification.",
        "Valid: logistic");
  }

  @Test
  void unknownParameter() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("max_iter: 100", "max_iter: 100\n    max_depth: 3"));
    refused(
        "ml.yaml:12:5: model.params.max_depth: unknown parameter 'max_depth' for trainer logistic.",
        "Valid parameters here: C, max_iter, tol.");
  }

  @Test
  void testFractionOutOfRange() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("  id: id", "  id: id\n  split:\n    test_fraction: 0"));
    refused("ml.yaml:8:20: data.split.test_fraction: 0 is out of range: it must be > 0 and < 1.");
  }

  @Test
  void hugeLine() throws Exception {
    repo.data(SampleRepo.csv() + "r99," + "1".repeat(2_000_000) + ",1,red,a\n");
    refused("data/d.csv:62: line 62 is 2000012 characters long; the limit is 1048576.");
  }

  @Test
  void nonUtf8File() throws Exception {
    repo.data(
        "data/d.csv",
        SampleRepo.csv().replace("r05,", "r\u00e905,").getBytes(StandardCharsets.ISO_8859_1));
    refused("data/d.csv:7:2: the file is not UTF-8: byte 0xE9", "iconv");
  }

  @Test
  void duplicateId() throws Exception {
    repo.data(SampleRepo.withLine(6, "r01,0.3,4,blue,b"));
    refused("data/d.csv:6: row 5, column 'id': the id 'r01' is also the id of row 2.");
  }

  @Test
  void yamlBomb() throws Exception {
    StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
    for (char c = 'b'; c <= 'h'; c++) {
      bomb.append(c)
          .append(": &")
          .append(c)
          .append(" [")
          .append(("*" + (char) (c - 1) + ",").repeat(8))
          .append('*')
          .append((char) (c - 1))
          .append("]\n");
    }
    repo.config(bomb.toString());
    refused("ml.yaml");
  }

  @Test
  void missingConfigFile() throws Exception {
    Files.delete(repo.dir.resolve("ml.yaml"));
    refused("ml.yaml: the config file does not exist.", "--config");
  }

  @Test
  void outIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

    CliRun r = repo.run("run", "--out", file.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("not-a-dir: the output directory is a file.")
        .contains("Fix: pass --out a directory");
  }

  @Test
  void outHoldsADirectoryMlciDidNotWrite() throws Exception {
    Files.createDirectories(repo.dir.resolve("model"));
    Files.writeString(repo.dir.resolve("model/train.py"), "print('mine')");

    CliRun r = repo.run("train", "--out", repo.dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("was not written by mlci").contains("choose another --out");
    assertThat(repo.dir.resolve("model/train.py")).hasContent("print('mine')");
  }

  @Test
  void sameFileForTrainAndTest() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace("  path: data/d.csv", "  train: data/d.csv\n  test: data/d.csv"));
    refused("ml.yaml:5:9: data.test: the test file is the training file (data/d.csv)");
  }

  @Test
  void idInBothTrainAndTest() throws Exception {
    repo.config(
        SampleRepo.CONFIG.replace(
            "  path: data/d.csv", "  train: data/train.csv\n  test: data/test.csv"));
    Files.writeString(
        repo.dir.resolve("data/train.csv"), "id,x,y,color,label\nr1,1,2,red,a\nr2,2,3,blue,b\n");
    Files.writeString(
        repo.dir.resolve("data/test.csv"), "id,x,y,color,label\nr3,1,2,red,a\nr2,2,3,blue,b\n");
    refused("data/test.csv:3: row 2, column 'id': the id 'r2' is also row 2 of data/train.csv");
  }

  @Test
  void valuesTooLargeToStandardise() throws Exception {
    String csv =
        SampleRepo.csv().replace("r00,1.00,", "r00,1e308,").replace("r02,1.20,", "r02,1e308,");
    repo.data(csv);
    refused("data/d.csv: x: the values are too large to average");
  }

  @Test
  void categoricalLevelCollidesWithAColumnName() throws Exception {
    repo.data(SampleRepo.csv().replace("id,x,y,color,label", "id,x,color=red,color,label"));
    refused("color=red: two features get the name 'color=red'");
  }

  @Test
  void jsonMode_printsTheErrorAsJsonOnStdout() throws Exception {
    repo.config(SampleRepo.CONFIG.replace("trainer: logistic", "trainer: svm"));

    CliRun r = repo.run("train", "--json");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out())
        .contains("\"exit_code\" : 2")
        .contains("\"field\" : \"model.trainer\"")
        .contains("\"line\" : 9");
  }

  @Test
  void bomAndCrlf_areAccepted() throws Exception {
    byte[] body = SampleRepo.csv().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    repo.data("data/d.csv", withBom);
    repo.config("\uFEFF" + SampleRepo.CONFIG.replace("\n", "\r\n"));

    CliRun r = repo.run("run");

    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void failedRun_keepsThePreviousGoodResult() throws Exception {
    assertThat(repo.run("run").exit()).isZero();
    byte[] before = Files.readAllBytes(repo.out().resolve("model/model.tribuo"));
    repo.data(SampleRepo.withLine(5, "r03,abc,3,red,b"));

    CliRun r = repo.run("train");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(Files.readAllBytes(repo.out().resolve("model/model.tribuo"))).isEqualTo(before);
    try (var entries = Files.list(repo.out())) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model", "eval", "gate", "mlruns", "tracking.json", ".mlci-output");
    }
  }
}
