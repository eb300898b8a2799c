package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.data.Splitter;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A separate {@code mlci evaluate} of the file train read, unchanged, parses only the test rows;
 * its evaluation directory (metrics, predictions, report, the bundle with its data profile) is,
 * byte for byte, the one made from every row (train's rows handed over in one engine). A file
 * changed since train is read whole again: a bad cell in a training row is still reported.
 */
class EvaluateTestRowsTest {
  @TempDir Path tmp;

  private final List<String> lines = new ArrayList<>();

  /** Each task started ("task total unit") and the units it last reported done. */
  private final List<String> tasks = new ArrayList<>();

  private final List<Long> done = new ArrayList<>();

  private final ProgressListener progress =
      new ProgressListener() {
        @Override
        public void start(String task, long total, String unit) {
          tasks.add(task + " " + total + " " + unit);
          done.add(0L);
        }

        @Override
        public void advance(long units) {
          done.set(done.size() - 1, units);
        }

        @Override
        public void finish() {}

        @Override
        public void info(String message) {
          lines.add(message);
        }
      };

  private Plan example(String example, String csv, String copy) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve(copy).resolve("data"));
    Path from = Path.of("..", "example-repos", example);
    Files.copy(from.resolve("ml.yaml"), repo.getParent().resolve("ml.yaml"));
    Files.copy(from.resolve("data").resolve(csv), repo.resolve(csv));
    return Mlci.plan(Workspace.of(repo.getParent(), Optional.empty(), Optional.empty()));
  }

  @ParameterizedTest
  @CsvSource({
    "breast-cancer, breast_cancer.csv",
    "penguins, penguins.csv",
    "diabetes, diabetes.csv",
    "wine, wine.csv"
  })
  void evaluate_ofTheFileTrainRead_parsesOnlyTheTestRows_andWritesTheSameBytes(
      String example, String csv) throws Exception {
    Plan together = example(example, csv, "together");
    Mlci one = new Mlci(progress, Clock.systemUTC());
    one.train(together);
    one.evaluate(together);
    assertThat(lines).noneMatch(l -> l.startsWith("test rows only"));

    Plan apart = example(example, csv, "apart");
    new Mlci(progress, Clock.systemUTC()).train(apart);
    lines.clear();
    tasks.clear();
    done.clear();
    EvaluateResult result = new Mlci(progress, Clock.systemUTC()).evaluate(apart);
    assertThat(lines).anyMatch(l -> l.startsWith("test rows only"));
    // Scoring shows the rows scored, up to every test row.
    int n = result.testExamples();
    String scoring = "scoring " + n + " test examples " + n + " rows";
    assertThat(tasks).contains(scoring);
    assertThat(done.get(tasks.indexOf(scoring))).isEqualTo(n);

    Path a = together.workspace().evalDir();
    Path b = apart.workspace().evalDir();
    List<String> files;
    try (Stream<Path> s = Files.list(a)) {
      // run.json says when each ran: the one file that differs between identical runs.
      files =
          s.map(p -> p.getFileName().toString())
              .filter(f -> !f.equals("run.json"))
              .sorted()
              .toList();
    }
    assertThat(files)
        .contains("metrics.json", "predictions.csv", "report.md", "evaluation.mlci.gz");
    for (String f : files) {
      assertThat(Files.readAllBytes(b.resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(a.resolve(f)));
    }
  }

  @Test
  void aBadCellInATrainingRow_ofAFileChangedSinceTrain_isReportedWithItsRow() throws Exception {
    Plan plan = example("breast-cancer", "breast_cancer.csv", "changed");
    new Mlci(progress, Clock.systemUTC()).train(plan);
    Path csv = plan.workspace().repository().resolve("data/breast_cancer.csv");
    List<String> rows = new ArrayList<>(Files.readAllLines(csv));
    List<String> header = List.of(rows.get(0).split(","));
    int idColumn = header.indexOf("sample_id");
    int row = 1;
    // The first training row under the example's split (seed 42, test_fraction 0.2).
    while (Splitter.hashUnit(42, rows.get(row).split(",")[idColumn].trim()) < 0.2) {
      row++;
    }
    String[] cells = rows.get(row).split(",", -1);
    int column = idColumn == 0 ? 1 : 0;
    cells[column] = "oops";
    rows.set(row, String.join(",", cells));
    Files.write(csv, rows);
    lines.clear();

    assertThatThrownBy(() -> new Mlci(progress, Clock.systemUTC()).evaluate(plan))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("breast_cancer.csv")
        .hasMessageContaining("row " + row)
        .hasMessageContaining(header.get(column))
        .hasMessageContaining("'oops' is not a number");
    assertThat(lines).noneMatch(l -> l.startsWith("test rows only"));
  }
}
