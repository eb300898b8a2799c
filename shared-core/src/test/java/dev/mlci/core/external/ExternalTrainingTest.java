package dev.mlci.core.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.api.EvaluateResult;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.datagate.DataProfiles;
import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code trainer: external} end to end through {@link Mlci}: a real Python command (test resource
 * {@code external/fixture.py}, built on the {@code onnx} package) writes real ONNX files that ONNX
 * Runtime scores; each fault the command or its model can have is one test. Skips with a message
 * when python3 with numpy and onnx is missing, unless {@code MLCI_REQUIRE_PYTHON} is set.
 */
class ExternalTrainingTest {
  @TempDir Path tmp;

  private final List<String> progress = new ArrayList<>();

  @BeforeAll
  static void python() throws Exception {
    String why;
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import numpy, onnx")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      why = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
    } catch (IOException e) {
      why = e.getMessage();
    }
    if (why != null) {
      String message =
          "SKIPPED: python3 with numpy and onnx is needed for the trainer: external tests ("
              + why
              + "). Install: python3 -m pip install -r .ci/requirements.txt";
      if (System.getenv("MLCI_REQUIRE_PYTHON") != null) {
        throw new AssertionError(message);
      }
      System.out.println(message);
      Assumptions.abort(message);
    }
  }

  /** A repository: 300 rows, two numeric features, classes a/b, the fixture as its command. */
  private Path repo(String task, String command, String extra) throws IOException {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("data"));
    StringBuilder csv = new StringBuilder("id,x1,x2,y\n");
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 300; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      String y =
          task.equals("regression")
              ? String.format(Locale.ROOT, "%.6f", 2 * x1 - x2 + 0.1 * r.nextGaussian())
              : (x1 + 0.5 * x2 + 0.3 * r.nextGaussian() > 0 ? "b" : "a");
      csv.append(String.format(Locale.ROOT, "r%d,%.6f,%.6f,%s%n", i, x1, x2, y));
    }
    Files.writeString(repo.resolve("data/d.csv"), csv, StandardCharsets.UTF_8);
    try (InputStream in = getClass().getResourceAsStream("/external/fixture.py")) {
      Files.write(repo.resolve("fixture.py"), in.readAllBytes());
    }
    Files.writeString(
        repo.resolve("ml.yaml"),
        String.join(
            "\n",
            "name: external-test",
            "task: " + task,
            "data:",
            "  path: data/d.csv",
            "  target: y",
            "  id: id",
            "model:",
            "  trainer: external",
            "  command: " + command,
            "  params: {n_estimators: 100, nested: {depth: 3}}",
            extra,
            ""),
        StandardCharsets.UTF_8);
    return repo;
  }

  private Mlci mlci() {
    return new Mlci(
        new ProgressListener() {
          @Override
          public void start(String task, long total, String unit) {
            progress.add("start " + task);
          }

          @Override
          public void advance(long done) {}

          @Override
          public void finish() {}

          @Override
          public void info(String message) {
            progress.add(message);
          }
        },
        Clock.systemUTC());
  }

  private static Plan plan(Path repo) throws Exception {
    return Mlci.plan(Workspace.of(repo, Optional.empty(), Optional.empty()));
  }

  private MlciException trainFails(Path repo) throws Exception {
    Plan plan = plan(repo);
    try {
      mlci().train(plan);
    } catch (MlciException e) {
      return e;
    }
    throw new AssertionError("train passed; progress: " + progress);
  }

  private static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void train_zipMapClassifier_isEvaluatedThroughOnnxRuntime() throws Exception {
    Path repo = repo("classification", "python3 fixture.py --metrics --parity agree", "");
    Plan plan = plan(repo);
    mlci().train(plan);
    EvaluateResult result = mlci().evaluate(plan);

    assertThat(progress).contains("[fixture.py] fixture: done");
    assertThat(progress).anyMatch(l -> l.startsWith("parity: the ONNX model matches"));
    assertThat(result.metrics().get("accuracy")).isGreaterThan(0.8);
    Path model = repo.resolve("mlci-out/model");
    assertThat(Checksums.verify(model)).isEmpty();
    assertThat(Files.exists(model.resolve("model.tribuo"))).isFalse();
    JsonNode run = json(model.resolve("run.json"));
    assertThat(run.path("command").path("exit_code").asInt()).isZero();
    assertThat(run.path("command").path("argv").toString())
        .isEqualTo("[\"python3\",\"fixture.py\",\"--metrics\",\"--parity\",\"agree\"]");
    assertThat(run.path("command").path("last_lines").toString()).contains("fixture: done");
    JsonNode prov = json(model.resolve("provenance.json"));
    assertThat(prov.path("trainer").path("name").asString()).isEqualTo("external");
    assertThat(prov.path("trainer").path("script_metrics").path("train_rows").asInt())
        .isEqualTo(prov.path("training_examples").asInt());
    assertThat(prov.path("trainer").path("parity").path("max_difference").asDouble())
        .isLessThan(Parity.TOLERANCE);
    assertThat(json(model.resolve("serving.json")).path("backend").asString()).isEqualTo("onnx");
    assertThat(Files.readString(model.resolve("MLmodel"))).contains("loader_module: mlflow.onnx");
    // The predictions of the test rows are ONNX Runtime's: 1 - P(a) = P(b) in every row.
    List<String> lines = Files.readAllLines(repo.resolve("mlci-out/eval/predictions.csv"));
    assertThat(lines).hasSizeGreaterThan(20);
    // data-profile.json is the training profile computed while the command ran: the bytes the
    // profile of the loaded training rows gives.
    Path fresh = tmp.resolve("fresh");
    Files.createDirectories(fresh);
    DataProfiles.writeTraining(fresh, new DataLoader(repo).load(plan.loaded()), true);
    assertThat(Files.readString(model.resolve("data-profile.json")))
        .isEqualTo(Files.readString(fresh.resolve("data-profile.json")));
  }

  /**
   * {@code mlci run}'s one engine checks the model and profiles the data while the command runs:
   * the evaluation (predictions, metrics, the bundle's data profile) is the one separate steps
   * make.
   */
  @Test
  void trainThenEvaluate_inOneEngine_evaluatesAsSeparateSteps() throws Exception {
    Path repo = repo("classification", "python3 fixture.py --parity agree", "");
    Plan plan = plan(repo);
    Mlci one = mlci();
    one.train(plan);
    EvaluateResult together = one.evaluate(plan);
    assertThat(progress).anyMatch(l -> l.contains("not read again"));
    Path eval = plan.workspace().evalDir();
    String predictions = Files.readString(eval.resolve("predictions.csv"));
    JsonNode profile = bundle(eval).get("data_profile");

    mlci().train(plan);
    progress.clear();
    EvaluateResult apart = mlci().evaluate(plan);

    assertThat(progress).noneMatch(l -> l.contains("not read again"));
    assertThat(together.metrics()).isEqualTo(apart.metrics());
    assertThat(Files.readString(eval.resolve("predictions.csv"))).isEqualTo(predictions);
    assertThat(profile).isNotNull();
    assertThat(bundle(eval).get("data_profile")).isEqualTo(profile);
  }

  private static JsonNode bundle(Path evalDir) throws IOException {
    try (InputStream in =
        new java.util.zip.GZIPInputStream(
            Files.newInputStream(evalDir.resolve("evaluation.mlci.gz")))) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void train_commandSeesOnlyTrainingRowsAndTheContract() throws Exception {
    Path repo = repo("classification", "python3 fixture.py", "");
    Plan plan = plan(repo);
    mlci().train(plan);
    mlci().evaluate(plan);
    // The fixture prints its row count; train + test = 300, and the test rows are never handed
    // over.
    List<String> evalLines = Files.readAllLines(repo.resolve("mlci-out/eval/predictions.csv"));
    int test = evalLines.size() - 1;
    assertThat(progress)
        .contains(
            "[fixture.py] fixture: "
                + (300 - test)
                + " rows, features ['x1', 'x2'], params {'n_estimators': 100, 'nested':"
                + " {'depth': 3}}");
    // Started as soon as MLCI_TRAIN_DATA was written, while the data was checked, and taken over.
    assertThat(progress)
        .anyMatch(
            l ->
                l.startsWith("handed " + (300 - test) + " training rows")
                    && l.contains("the command started on it"));
    List<String> seen = Files.readAllLines(repo.resolve("seen_ids.txt"));
    List<String> testIds = evalLines.stream().skip(1).map(l -> l.split(",")[0]).toList();
    assertThat(testIds).hasSize(test).allMatch(id -> id.startsWith("r"));
    assertThat(seen).hasSize(300 - test).doesNotContainAnyElementsOf(testIds);
  }

  @Test
  void train_tensorProbabilitiesAndColumnInputs_areAccepted() throws Exception {
    Path repo =
        repo("classification", "python3 fixture.py --form columns --out tensor --parity agree", "");
    Plan plan = plan(repo);
    mlci().train(plan);
    assertThat(mlci().evaluate(plan).metrics().get("accuracy")).isGreaterThan(0.8);
  }

  @Test
  void train_regression_isEvaluatedThroughOnnxRuntime() throws Exception {
    Path repo = repo("regression", "python3 fixture.py --parity agree", "");
    Plan plan = plan(repo);
    mlci().train(plan);
    assertThat(mlci().evaluate(plan).metrics().get("rmse")).isLessThan(0.5);
  }

  @Test
  void train_parityBroken_failsNamingWorstRows() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --parity broken", ""));
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage())
        .contains("ml.yaml:9:", "model.command", "parity check failed", "Worst rows: id r");
    assertThat(Files.exists(tmp.resolve("repo/mlci-out/model"))).isFalse();
  }

  /**
   * A train_predictions.csv mlci cannot use is the command's problem (exit 2, at ml.yaml's
   * model.command), named with the file's line and row; nothing is written.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown-id | train_predictions.csv:5: row 4 has id 'not-a-training-id', which is not a"
            + " training row.",
        "nan        | train_predictions.csv:5: row 4, column 'a': 'NaN' is not a finite number.",
        "ragged     | the command's train_predictions.csv cannot be read: train_predictions.csv:5:"
            + " row 4: the row has 2 fields but the header has 3. Fix: write it as a UTF-8 CSV",
        "no-column  | train_predictions.csv has columns [id, a]; the parity check needs [id, a, b].",
        "no-rows    | train_predictions.csv has a header but no rows: the parity check needs the"
            + " native scores."
      })
  void train_unusableNativeScores_isBadInputNamingTheRow(String fault, String message)
      throws Exception {
    MlciException e =
        trainFails(repo("classification", "python3 fixture.py --parity " + fault, ""));
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage()).contains("ml.yaml:9:", "model.command", message);
    assertThat(Files.exists(tmp.resolve("repo/mlci-out/model"))).isFalse();
  }

  @Test
  void train_commandNotFound_isBadInput() throws Exception {
    MlciException e = trainFails(repo("classification", "no-such-program-mlci train.py", ""));
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage())
        .contains("ml.yaml:9:", "model.command", "cannot run 'no-such-program-mlci'");
  }

  @Test
  void train_nonZeroExit_showsLastLines() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --exit 3", ""));
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage())
        .contains("model.command", "exited with code 3", "fixture: something went wrong");
  }

  @Test
  void train_timeout_stopsTheWholeProcessTree() throws Exception {
    Path repo = repo("classification", "python3 fixture.py --sleep 30", "  timeout: 2s");
    long start = System.nanoTime();
    MlciException e = trainFails(repo);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(25);
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage()).contains("model.command", "longer than model.timeout (2s)");
    long child = Long.parseLong(Files.readString(repo.resolve("child.pid")).strip());
    Optional<ProcessHandle> h = ProcessHandle.of(child);
    assertThat(h.map(ProcessHandle::isAlive).orElse(false)).as("child " + child).isFalse();
  }

  @Test
  void train_noModelOnnx_isBadInput() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --model missing", ""));
    assertThat(e.getMessage()).contains("model.command", "wrote no model.onnx");
  }

  @Test
  void train_onnxThatDoesNotLoad_isBadInput() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --model garbage", ""));
    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(e.getMessage()).contains("model.command", "ONNX Runtime cannot load model.onnx");
  }

  @Test
  void train_inputsMatchingNeitherForm_listsBoth() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --form wrong", ""));
    assertThat(e.getMessage())
        .contains("model.command", "'input'", "one float/double tensor [N, 2]", "[x1, x2]");
  }

  @Test
  void train_classifierWithoutProbabilities_saysHowToExportThem() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --out none", ""));
    assertThat(e.getMessage()).contains("model.command", "no class probabilities", "zipmap");
  }

  @Test
  void train_zipMapClassesDiffer_isBadInput() throws Exception {
    MlciException e =
        trainFails(repo("classification", "python3 fixture.py --out wrong-classes", ""));
    assertThat(e.getMessage())
        .contains("model.command", "[ax, bx] differ from MLCI_CLASSES [a, b]");
  }

  @Test
  void train_tensorClassesInAnotherOrder_isBadInput() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --out swapped", ""));
    assertThat(e.getMessage()).contains("model.command", "orders its classes differently");
  }

  @Test
  void train_nanOutputs_isBadInput() throws Exception {
    MlciException e = trainFails(repo("classification", "python3 fixture.py --out nan", ""));
    assertThat(e.getMessage()).contains("model.command", "outputs NaN", "row ");
  }
}
