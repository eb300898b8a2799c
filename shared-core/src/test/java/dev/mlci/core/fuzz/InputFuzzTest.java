package dev.mlci.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.CsvReader;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.eval.EvaluationBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzing of the CSV reader, the ml.yaml loader, the data loader and the evaluation bundle reader
 * (issue 14) with Jazzer: mutated input, coverage-guided, never ends in anything but a result or a
 * typed {@link MlciException} that names a problem (for bundles: an {@link IOException} or an
 * {@link IllegalArgumentException}, which the gate maps to exit 2). No other {@code
 * RuntimeException}, no {@code Error}, no hang.
 *
 * <p>The seed corpus, every case issue 14 found and their relatives, is in {@code
 * src/test/resources/dev/mlci/core/fuzz/InputFuzzTestInputs/<method>}: a plain {@code mvn test}
 * replays it (regression mode). With {@code JAZZER_FUZZ=1} Jazzer mutates it for {@code
 * maxDuration}; shared-core's pom runs one {@code fuzz-*} Surefire execution per method in {@code
 * verify} (about 30 s in all; {@code -Dmlci.fuzz.skip=true} skips them). A finding is written next
 * to the seeds as {@code crash-<sha1>}, which then fails every plain test run until it is fixed.
 */
class InputFuzzTest {
  private static Path root;
  private static long accepted;
  private static long refused;

  @BeforeAll
  static void repository() throws IOException {
    root = Files.createTempDirectory("mlci-fuzz-");
  }

  @AfterAll
  static void report() throws IOException {
    System.out.println(
        "InputFuzzTest: " + accepted + " inputs accepted, " + refused + " refused with a problem");
    delete(root);
  }

  private static void delete(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  interface ThrowingConsumer {
    void accept(Path dir) throws Exception;
  }

  /**
   * The property: {@code run}, in a fresh directory, succeeds or throws an MlciException whose
   * message names a problem and whose exit code is 2 (bad input).
   */
  private static void resultOrProblem(ThrowingConsumer run) throws IOException {
    Path dir = Files.createTempDirectory(root, "in");
    try {
      run.accept(dir);
      accepted++;
    } catch (MlciException e) {
      refused++;
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.getMessage()).hasSizeLessThan(20_000);
      assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(ExitCode.BAD_INPUT);
    } catch (Throwable t) {
      throw new AssertionError("not a typed domain exception: " + t, t);
    } finally {
      delete(dir);
    }
  }

  // ---------------------------------------------------------------- CSV
  // Dictionary entries are in libFuzzer's syntax: \\" for a quote, \\xHH for other bytes.

  @FuzzTest(maxDuration = "7s")
  @DictionaryEntries({
    ",",
    "\\\"",
    "\\x0A",
    "\\x0D\\x0A",
    "\\xEF\\xBB\\xBF",
    "NaN",
    "Infinity",
    "1e400",
    "-0",
    "id"
  })
  void csvReader(FuzzedDataProvider data) throws IOException {
    byte[] bytes = data.consumeRemainingAsBytes();
    resultOrProblem(
        dir -> {
          Path file = Files.write(dir.resolve("d.csv"), bytes);
          try {
            CsvReader.read(file, "d.csv");
          } catch (IOException e) {
            throw new AssertionError("a readable file gave an IOException: " + e, e);
          }
        });
  }

  // ---------------------------------------------------------------- ml.yaml (and its data)

  static final String VALID_CONFIG =
      """
      name: fuzz
      task: classification
      data:
        path: d.csv
        target: label
        id: id
      model:
        trainer: logistic-sgd
        params:
          epochs: 2
      gate:
        rules:
          - metric: accuracy
            max_drop: 0.02
      """;

  @FuzzTest(maxDuration = "8s")
  @DictionaryEntries({
    "name",
    "task",
    "data",
    "path",
    "train",
    "test",
    "target",
    "id",
    "features",
    "categorical",
    "split",
    "model",
    "trainer",
    "params",
    "epochs",
    "seed",
    "gate",
    "rules",
    "metric",
    "max_drop",
    "tracking",
    "uri",
    "version",
    ": ",
    "\\x0A  ",
    "\\x0A    ",
    "- ",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "~",
    "null",
    "true",
    "1e400",
    "-1",
    "0.5",
    "classification",
    "regression",
    "logistic",
    "mlp",
    "cart",
    "d.csv",
    "label",
    "|\\x0A  ",
    ">-\\x0A  ",
    "? ",
    "<<: ",
    "%YAML 1.1\\x0A",
    "---\\x0A"
  })
  void configLoader(FuzzedDataProvider data) throws IOException {
    byte[] yaml = data.consumeRemainingAsBytes();
    resultOrProblem(
        dir -> {
          Path file = Files.write(dir.resolve("ml.yaml"), yaml);
          new ConfigLoader(dir).load(file);
        });
  }

  /** A config that loads is then fed data: the data loader also answers with a problem only. */
  @FuzzTest(maxDuration = "5s")
  void validConfigWithFuzzedData(FuzzedDataProvider data) throws IOException {
    byte[] csv = data.consumeRemainingAsBytes();
    resultOrProblem(
        dir -> {
          Path file = Files.writeString(dir.resolve("ml.yaml"), VALID_CONFIG);
          Files.write(dir.resolve("d.csv"), csv);
          LoadedConfig loaded = new ConfigLoader(dir).load(file);
          new DataLoader(dir).load(loaded);
        });
  }

  /**
   * Valid data with one cell replaced, the numeric cases: the last byte of an input is the
   * row (0 to 39), the rest the cell.
   */
  @FuzzTest(maxDuration = "4s")
  void validDataWithOneHostileCell(FuzzedDataProvider data) throws IOException {
    int row = data.consumeInt(0, 39);
    String cell = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of("id,x,label"));
    for (int i = 0; i < 40; i++) {
      lines.add(
          "r"
              + i
              + ","
              + (i == row ? cell : String.valueOf(i % 5))
              + ","
              + (i % 2 == 0 ? "a" : "b"));
    }
    resultOrProblem(
        dir -> {
          Path file = Files.writeString(dir.resolve("ml.yaml"), VALID_CONFIG);
          Files.writeString(dir.resolve("d.csv"), String.join("\n", lines) + "\n");
          LoadedConfig loaded = new ConfigLoader(dir).load(file);
          new DataLoader(dir).load(loaded);
        });
  }

  // ---------------------------------------------------------------- bundles (--baseline, notes)

  /**
   * A bundle arrives from anyone who may push the notes ref: reading one (gzipped JSON) gives a
   * bundle, an IOException or an IllegalArgumentException (both exit 2 in the gate), nothing else.
   */
  @FuzzTest(maxDuration = "6s")
  @DictionaryEntries({
    "\\\"ids\\\":",
    "\\\"classes\\\":",
    "\\\"truth\\\":",
    "\\\"predicted\\\":",
    "\\\"scores\\\":",
    "\\\"positive\\\":",
    "\\\"regression\\\"",
    "\\\"classification\\\"",
    "null",
    "1e400",
    "-1",
    "[[]]",
    "99999999999999999999"
  })
  void bundleReader(FuzzedDataProvider data) throws IOException {
    byte[] json = data.consumeRemainingAsBytes();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(json);
    }
    try {
      EvaluationBundle.read(new ByteArrayInputStream(gz.toByteArray()));
      accepted++;
    } catch (IOException | IllegalArgumentException e) {
      refused++;
      assertThat(e.getMessage()).isNotBlank();
    } catch (Throwable t) {
      throw new AssertionError("not a refusal the gate maps to exit 2: " + t, t);
    }
  }
}
