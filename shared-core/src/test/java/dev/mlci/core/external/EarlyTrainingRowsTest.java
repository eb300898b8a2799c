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
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EarlyTrainingRows}: MLCI_TRAIN_DATA written while the data is read is used only when it is
 * byte for byte what {@link TrainingRows} writes from the loaded data; every other case (a cell the
 * copy cannot take, rows the loader dropped, a file that changed) is told apart; the command
 * started on it is taken over only with the environment the loaded data gives, and stopped with
 * every process it started otherwise and when bad input fails with the loader's own message.
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
    return config(source, extra, "python3 never-run.py");
  }

  private LoadedConfig config(String source, String extra, String command) throws Exception {
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
                "  command: " + command,
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
    // The command may have started on the early file (the bad cell is copied as it is): its run
    // counts for nothing, and its failure (it does not exist) is not the message.
    assertThat(viaTrain.getMessage()).doesNotContain("never-run.py");
  }

  /** A command that records its own pid and its child's, then sleeps. */
  private static final String SLEEPER =
      "sh -c 'sleep 120 & echo $! > child.pid; echo $$ > started.pid; echo hello;"
          + " echo MLCI_CLASSES=$MLCI_CLASSES; wait'";

  /** The process whose pid {@code name} holds, once the command has written it. */
  private ProcessHandle started(String name) throws Exception {
    Path file = tmp.resolve(name);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!(Files.exists(file) && Files.readString(file).endsWith("\n"))) {
      assertThat(System.nanoTime()).as("the command wrote " + name).isLessThan(deadline);
      Thread.sleep(20);
    }
    long pid = Long.parseLong(Files.readString(file).strip());
    return ProcessHandle.of(pid).orElseThrow();
  }

  private static void assertStopped(ProcessHandle p) throws Exception {
    p.onExit().get(10, TimeUnit.SECONDS);
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void commandStartedOnTheFile_isTakenOverWithTheEnvironmentTheLoadedDataGives() throws Exception {
    LoadedConfig loaded = config(plain(2000), "", SLEEPER);
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded, true).orElseThrow()) {
      // Started before the load: it runs while the data is read and checked.
      ProcessHandle sh = started("started.pid");
      ProcessHandle child = started("child.pid");
      LoadedData data = new DataLoader(tmp).load(loaded);
      assertThat(early.matches(data, "id", "y")).isTrue();
      Path output = early.dir().resolve(ExternalTraining.OUTPUT);
      Map<String, String> env =
          ExternalTraining.environment(
              loaded.config(), early.csv(), "id", data.features(), data.target().classes(), output);
      EarlyTrainingRows.Running running = early.adopt(env, output).orElseThrow();
      assertThat(sh.isAlive()).isTrue();
      List<String> lines = new CopyOnWriteArrayList<>();
      CommandRun.Started command = running.attach(lines::add);
      child.destroy();
      CommandRun run = command.await(Duration.ofSeconds(60), new CompletableFuture<>());
      assertThat(run.exitCode()).isZero();
      // Its output before the take-over was held back, none of it lost.
      assertThat(data.target().classes()).containsExactly("a", "b");
      assertThat(lines).containsExactly("hello", "MLCI_CLASSES=" + env.get("MLCI_CLASSES"));
    }
  }

  @Test
  void badInput_commandStartedOnTheFile_isStoppedWithEveryProcessItStarted() throws Exception {
    String source = plain(400).replaceFirst("\nr9,[^,]*,", "\nr9,abc,");
    LoadedConfig loaded = config(source, "", SLEEPER);
    ProcessHandle sh;
    ProcessHandle child;
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded, true).orElseThrow()) {
      sh = started("started.pid");
      child = started("child.pid");
      BadInputException e =
          catchThrowableOfType(BadInputException.class, () -> new DataLoader(tmp).load(loaded));
      assertThat(e.getMessage()).contains("x1").contains("abc");
    }
    assertStopped(sh);
    assertStopped(child);
  }

  @Test
  void rowsTheLoaderDrops_commandStartedOnTheFile_isStoppedNotTakenOver() throws Exception {
    String id = trainingId(config(plain(1), ""), "r");
    String source = plain(300).replaceFirst("\n" + id + ",[^,]*,", "\n" + id + ",,");
    LoadedConfig loaded = config(source, "  missing: drop", SLEEPER);
    try (EarlyTrainingRows early = EarlyTrainingRows.start(loaded, true).orElseThrow()) {
      ProcessHandle sh = started("started.pid");
      ProcessHandle child = started("child.pid");
      LoadedData data = new DataLoader(tmp).load(loaded);
      assertThat(early.matches(data, "id", "y")).isFalse();
      Path output = early.dir().resolve(ExternalTraining.OUTPUT);
      assertThat(early.adopt(Map.of(), output)).isEmpty();
      assertStopped(sh);
      assertStopped(child);
      assertThat(output).doesNotExist();
    }
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
