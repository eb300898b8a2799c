package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet input, the files written by pyarrow (csv_to_parquet.py): the same rows as the CSV they
 * come from, a folder of part files in name order, only the used columns decoded, and bad input
 * named by part file, row and column. Skips with a message when python3 with pyarrow is missing,
 * unless {@code MLCI_REQUIRE_PYTHON} is set.
 */
class ParquetInputTest {
  @TempDir Path dir;

  @BeforeAll
  static void pyarrow() throws Exception {
    ParquetFixture.requirePyarrow();
  }

  /** Writes {@code csv} and converts it with pyarrow to {@code out} (a file, or a folder). */
  private Path parquet(String csv, String out, String... options) throws Exception {
    return ParquetFixture.write(dir, csv, dir.resolve(out), options);
  }

  private LoadedData load(String path, String extra) throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("ml.yaml"),
            "name: t\ntask: classification\ndata:\n  path: "
                + path
                + "\n  target: label\n  id: id\n  categorical: [color]\n"
                + extra
                + "model:\n  trainer: logistic\n");
    LoadedConfig loaded = new ConfigLoader(dir).load(yaml);
    return new DataLoader(dir).load(loaded);
  }

  static String csv(int rows) {
    StringBuilder sb = new StringBuilder("id,x,n,color,flag,label\n");
    for (int i = 0; i < rows; i++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "r%04d,%.3f,%d,%s,%s,%s%n",
              i,
              (i % 17) / 7.0 - 1,
              i % 5,
              i % 3 == 0 ? "red" : "blue",
              i % 2 == 0 ? "true" : "false",
              i % 4 < 2 ? "a" : "b"));
    }
    return sb.toString();
  }

  private static List<String> rows(LoadedData d) {
    List<String> out = new ArrayList<>();
    for (List<DataRow> part : List.of(d.train(), d.test())) {
      for (DataRow r : part) {
        out.add(
            r.id()
                + " "
                + r.label()
                + " "
                + Arrays.toString(r.numeric())
                + Arrays.toString(r.categorical()));
      }
    }
    return out;
  }

  @Test
  void parquetFile_givesTheRowsOfItsCsv() throws Exception {
    String csv = csv(200).replace("true", "1").replace("false", "0");
    Files.writeString(dir.resolve("d.csv"), csv);
    parquet(csv, "d.parquet");

    LoadedData fromCsv = load("d.csv", "");
    LoadedData fromParquet = load("d.parquet", "");

    assertThat(rows(fromParquet)).isEqualTo(rows(fromCsv)).hasSize(200);
    assertThat(fromParquet.files().get(0).rows()).isEqualTo(200);
    assertThat(fromParquet.files().get(0).path()).isEqualTo("d.parquet");
  }

  @Test
  void folderOfParts_isReadInNameOrder_withBooleansAsNumbers() throws Exception {
    String csv = csv(300);
    parquet(csv, "parts", "--parts", "3", "--row-group-size", "40");
    parquet(csv, "one.parquet");

    LoadedData parts = load("parts", "");

    assertThat(rows(parts)).isEqualTo(rows(load("one.parquet", ""))).hasSize(300);
    DataRow first = parts.train().get(0).row() == 1 ? parts.train().get(0) : parts.test().get(0);
    assertThat(first.numeric()[3]).isEqualTo(1.0); // flag: true
  }

  @Test
  void nonNumberInANumericColumn_namesThePartFileRowAndColumn() throws Exception {
    String csv = csv(300);
    String[] lines = csv.split("\n");
    lines[1 + 250] = lines[1 + 250].replaceFirst(",[-0-9.]+,", ",abc,"); // row 51 of part 3
    parquet(String.join("\n", lines) + "\n", "parts", "--parts", "3");

    assertThatThrownBy(() -> load("parts", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(
            "parts/part-0002.parquet: row 51, column 'x': 'abc' is not a number.");
  }

  @Test
  void nullUnderMissingError_namesTheRow() throws Exception {
    String csv = csv(50).replace("r0007,0.000,", "r0007,,");
    parquet(csv, "d.parquet");

    assertThatThrownBy(() -> load("d.parquet", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("d.parquet: row 8, column 'x': the value is missing.");
    assertThat(load("d.parquet", "  missing: drop\n").dropped()).isEqualTo(1);
  }

  @Test
  void zstdCompression_isRefusedWithTheFix() throws Exception {
    parquet(csv(50), "d.parquet", "--compression", "zstd");

    assertThatThrownBy(() -> load("d.parquet", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("compressed with ZSTD")
        .hasMessageContaining("compression='snappy'");
  }

  @Test
  void notParquet_isBadInput() throws Exception {
    Files.writeString(dir.resolve("d.parquet"), csv(10));

    assertThatThrownBy(() -> load("d.parquet", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("d.parquet: the file cannot be read as Parquet");
  }

  @Test
  void missingColumn_isNamedWithTheColumnsOfTheFile() throws Exception {
    parquet(csv(20), "d.parquet");

    assertThatThrownBy(() -> load("d.parquet", "  features: [x, color, nope]\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("the column 'nope' is not in d.parquet");
  }
}
