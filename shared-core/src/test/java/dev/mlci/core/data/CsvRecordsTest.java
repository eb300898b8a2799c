package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlci.core.errors.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRecordsTest {
  @TempDir Path dir;

  @Test
  void next_readsEveryRowWithItsLineAndNumbers() throws Exception {
    Path f = dir.resolve("p.csv");
    Files.writeString(
        f,
        "id,a\nr1,0.25\n\nr2,1e-05\nr3, 2 \n"
            + "r4,nan\nr5,x\nr6,inf\nr7,NaN\nr8,Infinity\nr9,-Infinity\nr10,1e999\nr11,\n");
    try (CsvRecords csv = CsvRecords.open(f, "p.csv")) {
      assertThat(csv.header()).containsExactly("id", "a");
      assertThat(csv.next()).isTrue();
      assertThat(csv.text(0)).isEqualTo("r1");
      assertThat(csv.number(1)).isEqualTo(0.25);
      assertThat(csv.line()).isEqualTo(2);
      assertThat(csv.row()).isEqualTo(1);
      assertThat(csv.next()).isTrue();
      assertThat(csv.number(1)).isEqualTo(1e-05);
      assertThat(csv.line()).isEqualTo(4);
      assertThat(csv.row()).isEqualTo(2);
      assertThat(csv.next()).isTrue();
      assertThat(csv.number(1)).isEqualTo(2.0);
      // Double.parseDouble reads NaN, Infinity and 1e999 (as infinity): none is a finite number.
      for (String notFinite :
          new String[] {"nan", "x", "inf", "NaN", "Infinity", "-Infinity", "1e999", ""}) {
        assertThat(csv.next()).isTrue();
        assertThat(csv.text(1)).isEqualTo(notFinite);
        assertThat(csv.number(1)).isNaN();
      }
      assertThat(csv.next()).isFalse();
    }
  }

  @Test
  void next_headerWithoutRows_endsAtOnce() throws Exception {
    Path f = dir.resolve("p.csv");
    Files.writeString(f, "id,a\n\n");
    try (CsvRecords csv = CsvRecords.open(f, "p.csv")) {
      assertThat(csv.header()).containsExactly("id", "a");
      assertThat(csv.next()).isFalse();
      assertThatThrownBy(() -> csv.text(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void next_raggedRow_namesFileLineAndRow() throws Exception {
    Path f = dir.resolve("p.csv");
    Files.writeString(f, "id,a\nr1,1\nr2\n");
    try (CsvRecords csv = CsvRecords.open(f, "p.csv")) {
      assertThat(csv.next()).isTrue();
      assertThatThrownBy(csv::next)
          .isInstanceOf(BadInputException.class)
          .hasMessageStartingWith("p.csv:3: row 2: the row has 1 fields but the header has 2.");
    }
  }

  /**
   * A file the data loader would read in halves is read here, and by {@link CsvReader#read}, from
   * start to end (CsvReader.read once stopped at its middle).
   */
  @Test
  void largeFile_isReadToTheEnd() throws Exception {
    Path f = dir.resolve("big.csv");
    int rows = 0;
    StringBuilder sb = new StringBuilder("id,a\n");
    while (sb.length() <= CsvReader.HALVES_BYTES + 1000) {
      rows++;
      sb.append('r').append(rows).append(",0.123456789012345678901234567890\n");
    }
    Files.write(f, sb.toString().getBytes(StandardCharsets.UTF_8));
    try (CsvReader.Opened halves = CsvReader.open(f, "big.csv", CsvReader.HALVES_BYTES)) {
      assumeTrue(halves.halves(), "the data loader reads in halves only with 2 or more processors");
    }
    int seen = 0;
    String last = null;
    try (CsvRecords csv = CsvRecords.open(f, "big.csv")) {
      while (csv.next()) {
        seen++;
        last = csv.text(0);
      }
    }
    assertThat(seen).isEqualTo(rows);
    assertThat(last).isEqualTo("r" + rows);
    assertThat(CsvReader.read(f, "big.csv").rows()).hasSize(rows);
  }
}
