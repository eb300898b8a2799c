package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataLoader#loadTestRows}: with train's record of an unchanged file, only the rows the hash
 * split puts in the test set are parsed and kept (the frame holds no other row), and they are the
 * test rows a full read gives; with a record of another file every row is read.
 */
class TestRowsLoadTest {
  @TempDir Path dir;

  private LoadedConfig copy(String example, String csv, String extraYaml) throws Exception {
    Path repo = Files.createDirectories(dir.resolve(example).resolve("data"));
    Path from = Path.of("..", "example-repos", example);
    Files.copy(from.resolve("data").resolve(csv), repo.resolve(csv));
    String yaml = Files.readString(from.resolve("ml.yaml")) + extraYaml;
    Path ml = Files.writeString(repo.getParent().resolve("ml.yaml"), yaml);
    return new ConfigLoader(repo.getParent()).load(ml);
  }

  private static TrainingRecord recordOf(LoadedData full) {
    return new TrainingRecord(
        full.files().get(0).sha256(),
        full.train().size(),
        full.dropped(),
        full.target(),
        full.target().isClassification() ? full.trainClassCounts() : java.util.Map.of());
  }

  private static void assertSameTestRows(LoadedData testOnly, LoadedData full) {
    assertThat(testOnly.train()).isEmpty();
    // Every row parsed and kept is a test row: a loader that held the training rows fails here.
    assertThat(((Rows) testOnly.test()).frame().size()).isEqualTo(full.test().size());
    assertThat(((Rows) full.test()).frame().size()).isGreaterThan(full.test().size());
    assertThat(testOnly.trainSize()).isEqualTo(full.train().size());
    assertThat(testOnly.dropped()).isEqualTo(full.dropped());
    assertThat(testOnly.files()).isEqualTo(full.files());
    assertThat(testOnly.target()).isEqualTo(full.target());
    assertThat(testOnly.features()).isEqualTo(full.features());
    List<DataRow> a = testOnly.test();
    List<DataRow> b = full.test();
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      DataRow x = a.get(i);
      DataRow y = b.get(i);
      assertThat(x.id()).isEqualTo(y.id());
      assertThat(x.row()).isEqualTo(y.row());
      assertThat(x.line()).isEqualTo(y.line());
      assertThat(x.label()).isEqualTo(y.label());
      assertThat(Double.compare(x.target(), y.target())).isZero();
      assertThat(x.numeric()).containsExactly(y.numeric());
      assertThat(x.categorical()).containsExactly(y.categorical());
    }
  }

  @Test
  void withAnIdColumn_onlyTheTestRowsAreParsed() throws Exception {
    LoadedConfig loaded = copy("breast-cancer", "breast_cancer.csv", "");
    LoadedData full = new DataLoader(loaded.folder()).load(loaded);
    LoadedData testOnly = new DataLoader(loaded.folder()).loadTestRows(loaded, recordOf(full));
    assertSameTestRows(testOnly, full);
    assertThat(testOnly.trainClassCounts()).isEqualTo(full.trainClassCounts());
  }

  @Test
  void withContentKeys_repeatsAndDroppedRows_onlyTheTestRowsAreParsed() throws Exception {
    LoadedConfig loaded = copy("penguins", "penguins.csv", "");
    LoadedData full = new DataLoader(loaded.folder()).load(loaded);
    assertThat(full.dropped()).isPositive();
    LoadedData testOnly = new DataLoader(loaded.folder()).loadTestRows(loaded, recordOf(full));
    assertSameTestRows(testOnly, full);
  }

  @Test
  void regression_onlyTheTestRowsAreParsed() throws Exception {
    LoadedConfig loaded = copy("diabetes", "diabetes.csv", "");
    LoadedData full = new DataLoader(loaded.folder()).load(loaded);
    LoadedData testOnly = new DataLoader(loaded.folder()).loadTestRows(loaded, recordOf(full));
    assertSameTestRows(testOnly, full);
  }

  @Test
  void aRecordOfAnotherFile_readsEveryRow() throws Exception {
    LoadedConfig loaded = copy("breast-cancer", "breast_cancer.csv", "");
    LoadedData full = new DataLoader(loaded.folder()).load(loaded);
    TrainingRecord r = recordOf(full);
    TrainingRecord other =
        new TrainingRecord("0".repeat(64), r.rows(), r.dropped(), r.target(), r.classCounts());
    LoadedData again = new DataLoader(loaded.folder()).loadTestRows(loaded, other);
    assertThat(again.trainingRecord()).isEmpty();
    assertThat(again.train()).hasSameSizeAs(full.train());
    assertThat(((Rows) again.test()).frame().size())
        .isEqualTo(full.train().size() + full.test().size());
  }

  @Test
  void aStratifiedSplit_readsEveryRow() throws Exception {
    LoadedConfig loaded = copy("iris", "iris.csv", "");
    LoadedData full = new DataLoader(loaded.folder()).load(loaded);
    LoadedData again = new DataLoader(loaded.folder()).loadTestRows(loaded, recordOf(full));
    assertThat(again.trainingRecord()).isEmpty();
    assertThat(again.train()).hasSameSizeAs(full.train());
  }
}
