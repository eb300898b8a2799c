package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine's train hands its data to its evaluate ({@code mlci run}); the evaluation is the one a
 * separate {@code mlci evaluate} makes, and a changed data file is read again.
 */
class DataHandOverTest {
  @TempDir Path tmp;

  private final List<String> lines = new ArrayList<>();

  private final ProgressListener progress =
      new ProgressListener() {
        @Override
        public void start(String task, long total, String unit) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}

        @Override
        public void info(String message) {
          lines.add(message);
        }
      };

  private Plan example(String name) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve(name).resolve("data"));
    Path example = Path.of("..", "example-repos", "breast-cancer");
    Files.copy(example.resolve("ml.yaml"), repo.getParent().resolve("ml.yaml"));
    Files.copy(example.resolve("data/breast_cancer.csv"), repo.resolve("breast_cancer.csv"));
    return Mlci.plan(Workspace.of(repo.getParent(), Optional.empty(), Optional.empty()));
  }

  @Test
  void evaluate_afterTrainInTheSameEngine_usesTheRowsTrainRead_andScoresAlike() throws Exception {
    Plan together = example("together");
    Mlci one = new Mlci(progress, Clock.systemUTC());
    one.train(together);
    EvaluateResult handed = one.evaluate(together);

    assertThat(lines).anyMatch(l -> l.contains("not read again"));

    Plan apart = example("apart");
    new Mlci(progress, Clock.systemUTC()).train(apart);
    lines.clear();
    EvaluateResult read = new Mlci(progress, Clock.systemUTC()).evaluate(apart);

    assertThat(lines).noneMatch(l -> l.contains("not read again"));
    assertThat(handed.metrics()).isEqualTo(read.metrics());
    assertThat(handed.testExamples()).isEqualTo(read.testExamples());
    assertThat(Files.readString(together.workspace().evalDir().resolve("predictions.csv")))
        .isEqualTo(Files.readString(apart.workspace().evalDir().resolve("predictions.csv")));
  }

  @Test
  void evaluate_readsAgain_whenTheDataFileChangedSinceTrain() throws Exception {
    Plan plan = example("changed");
    Mlci one = new Mlci(progress, Clock.systemUTC());
    one.train(plan);
    // What a training command could do: it is the repository's own code.
    Path csv = plan.workspace().repository().resolve("data/breast_cancer.csv");
    List<String> rows = Files.readAllLines(csv);
    Files.writeString(csv, rows.get(rows.size() - 1) + "\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> one.evaluate(plan))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("breast_cancer.csv");
    assertThat(lines).noneMatch(l -> l.contains("not read again"));
  }

  @Test
  void aHandOver_isTakenOnce() throws Exception {
    Plan plan = example("once");
    Mlci one = new Mlci(progress, Clock.systemUTC());
    one.train(plan);
    one.evaluate(plan);
    lines.clear();
    one.evaluate(plan);

    assertThat(lines).noneMatch(l -> l.contains("not read again"));
  }
}
