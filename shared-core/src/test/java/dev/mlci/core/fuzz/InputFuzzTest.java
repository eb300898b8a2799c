package dev.mlci.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.CsvReader;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.errors.MlciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of the CSV reader and the ml.yaml loader (issue 14): random and mutated input, seeded
 * with the cases the issue found, never ends in anything but a result or a typed {@link
 * MlciException} that names a problem. No {@code RuntimeException}, no {@code Error}, no hang.
 *
 * <p>Bounded for CI: the tries below take about 30 seconds on 2 shared cores. A failure prints
 * jqwik's seed; rerun it with {@code @Property(seed = "...")}.
 */
class InputFuzzTest {
  static Path repo;
  static final AtomicLong counter = new AtomicLong();
  static final AtomicLong succeeded = new AtomicLong();
  static final AtomicLong refused = new AtomicLong();

  @BeforeContainer
  static void repository() throws IOException {
    repo = Files.createTempDirectory("mlci-fuzz-");
  }

  @AfterContainer
  static void report() throws IOException {
    System.out.println(
        "InputFuzzTest: " + succeeded + " inputs accepted, " + refused + " refused with a problem");
    try (var walk = Files.walk(repo)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The property: success, or an MlciException whose message names a problem. */
  static void resultOrProblem(ThrowingRunnable run) {
    try {
      run.run();
      succeeded.incrementAndGet();
    } catch (MlciException e) {
      refused.incrementAndGet();
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.getMessage()).hasSizeLessThan(20_000);
    } catch (Throwable t) {
      throw new AssertionError("not a typed domain exception: " + t, t);
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static Path write(String name, byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(repo.resolve("t" + counter.incrementAndGet()));
    return Files.write(dir.resolve(name), bytes);
  }

  // ---------------------------------------------------------------- CSV

  /** The issue's cases and their relatives, as seeds for mutation. */
  static final List<String> CSV_SEEDS =
      List.of(
          "id,x,label\nr1,1.5,a\nr2,2.5,b\n",
          "\n".repeat(5000),
          "id,x,label\nr1," + "9".repeat(400) + ",a\n",
          "id,x,label\nr1,1e400,a\nr2,-1e400,b\n",
          "id,x,label\nr1,NaN,a\nr2,Infinity,b\n",
          "\uFEFFid,x,label\r\nr1,1,a\r\n",
          "id,\"x\nwith newline\",label\nr1,\"1,5\",a\n",
          "id,x,label\nr1,\"unterminated,a\n",
          "id,x,x\nr1,1,2\n",
          ",,\n1,2,3\n",
          "id,x,label\nr1,1\nr2,1,2,3,4\n",
          "id,x,label\n\0\0\0,\0,\0\n",
          "a" + ",a".repeat(12_000) + "\n",
          "id,x,label\n" + "r,1,a\n".repeat(2000));

  @Provide
  Arbitrary<byte[]> csvBytes() {
    Arbitrary<String> alphabet =
        Arbitraries.strings().withChars(",\"\n\r\t ;abx01.-+eE9\u00e9\uFEFF\0").ofMaxLength(400);
    Arbitrary<String> mutated =
        Combinators.combine(
                Arbitraries.of(CSV_SEEDS),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.strings().withChars(",\"\n\r\0x9").ofMaxLength(8),
                Arbitraries.integers().between(0, 20))
            .as(
                (seed, at, insert, cut) -> {
                  int i = Math.min(at, seed.length());
                  return seed.substring(0, i)
                      + insert
                      + seed.substring(Math.min(seed.length(), i + cut));
                });
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, mutated.map(s -> s.getBytes(StandardCharsets.UTF_8))),
        net.jqwik.api.Tuple.of(3, alphabet.map(s -> s.getBytes(StandardCharsets.UTF_8))),
        net.jqwik.api.Tuple.of(1, raw));
  }

  @Property(tries = 2500)
  void csvReader_givesATableOrAProblem(@ForAll("csvBytes") byte[] bytes) {
    resultOrProblem(
        () -> {
          Path file = write("d.csv", bytes);
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
        trainer: logistic
        params:
          epochs: 2
      gate:
        rules:
          - metric: accuracy
            max_drop: 0.02
      """;

  static final List<String> YAML_SEEDS =
      List.of(
          VALID_CONFIG,
          VALID_CONFIG.replace("task: classification", "task: regression"),
          VALID_CONFIG.replace("  path: d.csv\n", "  train: d.csv\n  test: d.csv\n"),
          "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
          "[".repeat(200) + "]".repeat(200),
          "name: !!python/object:os.system ls\n",
          "name: !!binary aGVsbG8=\n",
          "? [a, b]\n: c\n",
          "name: x\nname: y\n",
          "data: {path: ../../etc/passwd, target: label}\n",
          "version: 99\n",
          "model:\n  params:\n    epochs: 1e400\n    learning_rate: -0.0\n",
          "\t name: tab\n",
          "%YAML 1.1\n---\nname: x\n...\n---\nname: y\n");

  static final List<String> YAML_TOKENS =
      List.of(
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
          "\n",
          "\n  ",
          "\n    ",
          "- ",
          "[",
          "]",
          "{",
          "}",
          ", ",
          "&a ",
          "*a",
          "!!str ",
          "!!int ",
          "'",
          "\"",
          "#",
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
          "|\n  ",
          ">-\n  ",
          "\u00e9",
          "\0",
          "\uFEFF");

  @Provide
  Arbitrary<String> yamlText() {
    Arbitrary<String> tokens =
        Arbitraries.of(YAML_TOKENS).list().ofMaxSize(60).map(l -> String.join("", l));
    Arbitrary<String> mutated =
        Combinators.combine(
                Arbitraries.of(YAML_SEEDS),
                Arbitraries.integers().between(0, 600),
                Arbitraries.of(YAML_TOKENS),
                Arbitraries.integers().between(0, 12))
            .as(
                (seed, at, insert, cut) -> {
                  int i = Math.min(at, seed.length());
                  return seed.substring(0, i)
                      + insert
                      + seed.substring(Math.min(seed.length(), i + cut));
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, mutated),
        net.jqwik.api.Tuple.of(3, tokens),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
  }

  @Property(tries = 2500)
  void configLoader_givesAPlanOrAProblem(@ForAll("yamlText") String yaml) {
    resultOrProblem(
        () -> {
          Path file = write("ml.yaml", yaml.getBytes(StandardCharsets.UTF_8));
          new ConfigLoader(file.getParent()).load(file);
        });
  }

  /** A config that loads is then fed data: the data loader also answers with a problem only. */
  @Property(tries = 300)
  void validConfigWithFuzzedData_givesDataOrAProblem(@ForAll("csvBytes") byte[] csv) {
    resultOrProblem(
        () -> {
          Path file = write("ml.yaml", VALID_CONFIG.getBytes(StandardCharsets.UTF_8));
          Files.write(file.resolveSibling("d.csv"), csv);
          LoadedConfig loaded = new ConfigLoader(file.getParent()).load(file);
          new DataLoader(file.getParent()).load(loaded);
        });
  }

  /** Also from the valid seed's data, with one cell replaced: the issue's numeric cases. */
  @Property(tries = 300)
  void validDataWithOneHostileCell_givesDataOrAProblem(
      @ForAll("hostileCell") String cell, @ForAll("rowIndex") int row) {
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
        () -> {
          Path file = write("ml.yaml", VALID_CONFIG.getBytes(StandardCharsets.UTF_8));
          Files.writeString(file.resolveSibling("d.csv"), String.join("\n", lines) + "\n");
          LoadedConfig loaded = new ConfigLoader(file.getParent()).load(file);
          new DataLoader(file.getParent()).load(loaded);
        });
  }

  // ---------------------------------------------------------------- bundles (--baseline, notes)

  static final String BUNDLE_SEED =
      "{\"schema\":\"mlci.bundle/v1\",\"name\":\"m\",\"task\":\"classification\","
          + "\"commit\":null,\"dirty\":false,\"model_digest\":\"d\",\"config_sha256\":\"c\","
          + "\"inputs\":{},\"metrics\":{\"accuracy\":0.5},\"undefined\":{},"
          + "\"predictions\":{\"ids\":[\"a\",\"b\"],\"classes\":[\"x\",\"y\"],"
          + "\"truth\":[0,1],\"predicted\":[0,0],\"positive\":1,\"probabilities\":true,"
          + "\"scores\":[[0.9,0.6],[0.1,0.4]]}}";

  @Provide
  Arbitrary<String> bundleJson() {
    return Combinators.combine(
            Arbitraries.integers().between(0, BUNDLE_SEED.length()),
            Arbitraries.of(
                "",
                "[",
                "]",
                "{",
                "}",
                ",",
                "\"",
                "null",
                "1e400",
                "-1",
                "[[]]",
                "\"ids\":[]",
                "\"regression\"",
                "99999999999999999999"),
            Arbitraries.integers().between(0, 12))
        .as(
            (at, insert, cut) ->
                BUNDLE_SEED.substring(0, at)
                    + insert
                    + BUNDLE_SEED.substring(Math.min(BUNDLE_SEED.length(), at + cut)));
  }

  /**
   * A bundle arrives from anyone who may push the notes ref: reading one gives a bundle, an
   * IOException or an IllegalArgumentException (both exit 2 in the gate), nothing else.
   */
  @Property(tries = 1000)
  void bundleReader_givesABundleOrARefusal(@ForAll("bundleJson") String json) throws IOException {
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    try {
      dev.mlci.core.eval.EvaluationBundle.read(new java.io.ByteArrayInputStream(gz.toByteArray()));
      succeeded.incrementAndGet();
    } catch (IOException | IllegalArgumentException e) {
      refused.incrementAndGet();
      assertThat(e.getMessage()).isNotBlank();
    } catch (Throwable t) {
      throw new AssertionError("not a refusal the gate maps to exit 2: " + t, t);
    }
  }

  @Provide
  Arbitrary<String> hostileCell() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "9".repeat(400),
            "1e400",
            "-1e400",
            "NaN",
            "Infinity",
            "-0",
            "0x1p3",
            "1_000",
            "",
            " ",
            "\"\"",
            "\"1,5\"",
            "1e-400",
            "4.9e-324",
            "1.7976931348623157E309",
            "١٢٣"),
        Arbitraries.strings().withChars("0123456789.eE+-").ofMaxLength(30));
  }

  @Provide
  Arbitrary<Integer> rowIndex() {
    return Arbitraries.integers().between(0, 39);
  }
}
