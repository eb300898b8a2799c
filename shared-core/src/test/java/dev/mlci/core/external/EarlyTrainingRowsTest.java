package dev.mlci.core.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.SpecFitter;
import dev.mlci.core.data.Splitter;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.progress.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EarlyTrainingRows}: MLCI_TRAIN_DATA written while the data is read is used only when it is
 * byte for byte what {@link TrainingRows} writes from the loaded data; every other case (a cell the
 * copy cannot take, rows the loader dropped, a file that changed) is told apart, and bad input
 * fails with the loader's own message before any command runs.
 */
class EarlyTrainingRowsTest {
  @TempDir Path tmp;

  private static String plain(int rows) {
    StringBuilder csv = new StringBuilder("id,x1,c,x2,y\n");
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < rows; i++) {
      csv.append(
          String.format(
              Locale.ROOT,
              "r%d,%.6f,%s,%d,%s\n",
              i,
              r.nextGaussian(),
              r.nextBoolean() ? "red" : "blue",
              r.nextInt(100),
              r.nextBoolean() ? "a" : "b"));
    }
    return csv.toString();
  }

  private LoadedConfig config(String source, String extra) throws Exception {
    Files.writeString(tmp.resolve("d.csv"), source, StandardCharsets.UTF_8);
    Path yaml =
        Files.writeString(
            tmp.resolve("ml.yaml"),
            String.join(
                "\n",
                "name: early",
                "task: classification",
                "data:",
                "  path: d.csv",
                "  target: y",
                "  id: id",
                "  categorical: [c]",
                extra,
                "  split:",
                "    test_fraction: 0.3",
                "model:",
                "  trainer: external",
                "  command: python3 never-run.py",
                ""));
    return new ConfigLoader(tmp).load(yaml);
  }

  /** MLCI_TRAIN_DATA as TrainingRows writes it from the loaded data. */
  private byte[] fromLoaded(LoadedConfig loaded, LoadedData data) throws Exception {
    Path csv = tmp.resolve("after-load.csv");
    TrainingRows.write(
        csv,
        "id",
        data,
        SpecFitter.fit(loaded.config(), data, false),
        Optional.of(tmp.resolve("d.csv")),
        false,
        new HashSet<>(loaded.config().data().naValues()));
    return Files.readAllBytes(csv);
  }

  @Test
  void plainCsv_writtenWhileReading_isExactlyWhatTrainingRowsWrites() throws Exception {
    LoadedConfig loaded = config(plain(2000), "");
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded).orElseThrow()) {
      LoadedData data = new DataLoader(tmp).load(loaded);
      assertThat(early.matches(data, "id", "y")).isTrue();
      assertThat(Files.readAllBytes(early.csv())).isEqualTo(fromLoaded(loaded, data));
      assertThat(Files.readAllLines(early.csv())).hasSize(data.train().size() + 1);
    }
  }

  @Test
  void featuresListedInAnotherOrder_areWrittenInThatOrder() throws Exception {
    LoadedConfig loaded = config(plain(500), "  features: [x2, c, x1]");
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded).orElseThrow()) {
      LoadedData data = new DataLoader(tmp).load(loaded);
      assertThat(early.matches(data, "id", "y")).isTrue();
      assertThat(Files.readAllLines(early.csv()).get(0)).isEqualTo("id,x2,c,x1,y");
      assertThat(Files.readAllBytes(early.csv())).isEqualTo(fromLoaded(loaded, data));
    }
  }

  /** The first id {@code prefix0, prefix1, ...} that the hash split puts in the training set. */
  private static String trainingId(LoadedConfig loaded, String prefix) {
    long seed = loaded.config().data().split().seed();
    int i = 0;
    while (Splitter.hashUnit(seed, prefix + i) < 0.3) {
      i++;
    }
    return prefix + i;
  }

  @Test
  void quotedOrPaddedOrMissingCells_areLeftToTrainingRows() throws Exception {
    String id = trainingId(config(plain(1), ""), "odd");
    for (String cells : new String[] {",\"0.5\",red,3,a\n", ", 0.5 ,red,3,a\n", ",NA,red,3,a\n"}) {
      LoadedConfig loaded = config(plain(200) + id + cells, "  missing: impute-mean");
      try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded).orElseThrow()) {
        LoadedData data = new DataLoader(tmp).load(loaded);
        assertThat(data.train().stream().map(r -> r.id())).contains(id);
        assertThat(early.matches(data, "id", "y")).as(cells).isFalse();
      }
    }
  }

  @Test
  void rowsTheLoaderDrops_areToldApart() throws Exception {
    // An empty cell is copied as it is, but missing: drop removes its row from the training rows:
    // blank a cell of a row the hash split puts in the training set.
    String id = trainingId(config(plain(1), ""), "r");
    assertThat(Integer.parseInt(id.substring(1))).isBetween(0, 299);
    String source = plain(300).replaceFirst("\n" + id + ",[^,]*,", "\n" + id + ",,");
    LoadedConfig loaded = config(source, "  missing: drop");
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded).orElseThrow()) {
      LoadedData data = new DataLoader(tmp).load(loaded);
      assertThat(data.dropped()).isEqualTo(1);
      assertThat(early.matches(data, "id", "y")).isFalse();
    }
  }

  @Test
  void fileChangedAfterItWasLoaded_isToldApart() throws Exception {
    LoadedConfig loaded = config(plain(300), "");
    LoadedData data = new DataLoader(tmp).load(loaded);
    Files.writeString(tmp.resolve("d.csv"), plain(301), StandardCharsets.UTF_8);
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded).orElseThrow()) {
      assertThat(early.matches(data, "id", "y")).isFalse();
    }
  }

  @Test
  void notAppliedWithoutIdsOrHashSplitOrCsv() throws Exception {
    LoadedConfig random =
        new ConfigLoader(tmp)
            .load(
                Files.writeString(
                    tmp.resolve("random.yaml"),
                    String.join(
                        "\n",
                        "name: early",
                        "task: classification",
                        "data:",
                        "  path: d.csv",
                        "  target: y",
                        "  id: id",
                        "  split:",
                        "    strategy: random",
                        "model:",
                        "  trainer: external",
                        "  command: python3 never-run.py",
                        "")));
    Files.writeString(tmp.resolve("d.csv"), plain(50), StandardCharsets.UTF_8);
    assertThat(EarlyTrainingRows.start(random)).isEmpty();
  }

  @Test
  void badInput_failsWithTheLoadersMessage_beforeTheCommand() throws Exception {
    String source = plain(400).replaceFirst("\nr9,[^,]*,", "\nr9,abc,");
    LoadedConfig loaded = config(source, "");
    BadInputException direct =
        catchThrowableOfType(BadInputException.class, () -> new DataLoader(tmp).load(loaded));
    assertThat(direct.getMessage()).contains("d.csv").contains("x1").contains("abc");
    Mlci mlci = new Mlci(ProgressListener.NONE, Clock.systemUTC());
    MlciException viaTrain =
        catchThrowableOfType(
            MlciException.class,
            () -> mlci.train(Mlci.plan(Workspace.of(tmp, Optional.empty(), Optional.empty()))));
    assertThat(viaTrain.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(viaTrain.getMessage()).isEqualTo(direct.getMessage());
    // The command never ran: it does not exist, and that would have been the message.
    assertThat(viaTrain.getMessage()).doesNotContain("never-run.py");
  }

  @Test
  void featureChecksFailingWhileTheCommandRuns_stopItAndReportTheirMessage() throws Exception {
    // x1 all missing: the loader accepts it (impute-mean), the feature spec's check does not.
    String source = plain(300).replaceAll("(?m)^(r\\d+),[^,]*,", "$1,NA,");
    LoadedConfig direct = config(source, "  missing: impute-mean");
    BadInputException expected =
        catchThrowableOfType(
            BadInputException.class,
            () -> SpecFitter.fit(direct.config(), new DataLoader(tmp).load(direct), false));
    assertThat(expected.getMessage()).contains("x1");
    Files.writeString(
        tmp.resolve("ml.yaml"),
        Files.readString(tmp.resolve("ml.yaml")).replace("python3 never-run.py", "sleep 120"));
    Mlci mlci = new Mlci(ProgressListener.NONE, Clock.systemUTC());
    long start = System.nanoTime();
    MlciException viaTrain =
        catchThrowableOfType(
            MlciException.class,
            () -> mlci.train(Mlci.plan(Workspace.of(tmp, Optional.empty(), Optional.empty()))));
    assertThat(viaTrain.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(viaTrain.getMessage()).isEqualTo(expected.getMessage());
    // Stopped, not waited for: far less than its 120 s.
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
  }
}
