package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private CsvTable read(byte[] bytes) throws Exception {
    Path f = dir.resolve("d.csv");
    Files.write(f, bytes);
    return CsvReader.read(f, "d.csv");
  }

  private CsvTable read(String text) throws Exception {
    return read(text.getBytes(StandardCharsets.UTF_8));
  }

  private Problem problem(String text) {
    try {
      read(text);
    } catch (BadInputException e) {
      return e.problems().get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a problem for: " + text);
  }

  @Test
  void read_plainFile_keepsCellsAndLines() throws Exception {
    CsvTable t = read("a,b\n1,2\n\n3,4\n");

    assertThat(t.header()).containsExactly("a", "b");
    assertThat(t.rows()).hasSize(2);
    assertThat(t.rows().get(1)).containsExactly("3", "4");
    assertThat(t.lines()).containsExactly(2, 4);
  }

  @Test
  void read_bomAndCrlf_areAccepted() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = "a,b\r\n1,2\r\n3,4\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(body, 0, all, 3, body.length);

    CsvTable t = read(all);

    assertThat(t.header()).containsExactly("a", "b");
    assertThat(t.rows().get(1)).containsExactly("3", "4");
  }

  @Test
  void read_quotedFieldWithNewline_countsLinesOfLaterRows() throws Exception {
    CsvTable t = read("a,b\n\"x\ny\",2\n3,4\n");

    assertThat(t.rows().get(0)[0]).isEqualTo("x\ny");
    assertThat(t.lines()).containsExactly(2, 4);
  }

  @Test
  void read_headerNamesAreTrimmed() throws Exception {
    assertThat(read(" a , b\n1,2\n").header()).containsExactly("a", "b");
  }

  @Test
  void read_raggedRow_namesRowAndLine() {
    Problem p = problem("a,b,c\n1,2,3\n4,5\n");

    assertThat(p.render())
        .isEqualTo(
            "d.csv:3: row 2: the row has 2 fields but the header has 3. Fix: add the missing fields; leave a field"
                + " empty (a,,c) to mark a missing value.");
  }

  @Test
  void read_emptyFile_saysWhatToWrite() {
    assertThat(problem("").render()).contains("the file is empty").contains("header row");
    assertThat(problem("\n \n").render()).contains("the file is empty");
  }

  @Test
  void read_headerOnly_asksForRows() {
    assertThat(problem("a,b\n").render())
        .isEqualTo(
            "d.csv:1: the file has a header but no data rows. Fix: add one row per example below the header.");
  }

  @Test
  void read_duplicateHeader_namesBothColumns() {
    assertThat(problem("a,b,a\n1,2,3\n").render())
        .isEqualTo(
            "d.csv:1: a: the header names this column twice (columns 1 and 3). Fix: rename one of them so"
                + " every column name is unique.");
  }

  @Test
  void read_unnamedColumn_isRefused() {
    assertThat(problem("a,,c\n1,2,3\n").render()).contains("column 2 of the header has no name");
  }

  @Test
  void read_unclosedQuote_pointsAtTheLine() {
    Problem p = problem("a,b\n1,2\n\"3,4\n");

    assertThat(p.line()).isGreaterThanOrEqualTo(3);
    assertThat(p.render()).contains("cannot be parsed").contains("quotes");
  }

  @Test
  void read_hugeLine_isRefusedWithItsLength() {
    String huge = "a,b\n1," + "9".repeat(CsvReader.MAX_LINE_CHARS + 5) + "\n";

    Problem p = problem(huge);

    assertThat(p.line()).isEqualTo(2);
    assertThat(p.render())
        .contains("line 2 is " + (CsvReader.MAX_LINE_CHARS + 7) + " characters long");
  }

  @Test
  void read_latin1File_namesLineAndByte() {
    byte[] latin1 = "name,y\nJos\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> read(latin1))
        .isInstanceOf(BadInputException.class)
        .hasMessage(
            "d.csv:2:4: the file is not UTF-8: byte 0xE9 cannot start or continue a UTF-8 character. Fix: save the"
                + " file as UTF-8 (e.g. 'iconv -f latin1 -t utf-8 in.csv > out.csv').");
  }
}
