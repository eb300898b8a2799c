package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain CSV read in two halves on two threads gives exactly what one pass in order gives: the
 * same rows, row numbers, lines, ids, classes and levels (first seen in either half), the same
 * split, digest and dropped rows; and every problem, wherever it is, the same message.
 */
class HalvesLoadTest {
  @TempDir Path dir;

  private static final long ALWAYS = 0;
  private static final long NEVER = Long.MAX_VALUE;

  private LoadedConfig config(String data) throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("ml.yaml"),
            "name: t\ntask: classification\ndata:\n  path: d.csv\n  target: label\n"
                + data
                + "model:\n  trainer: logistic\n");
    return new ConfigLoader(dir).load(yaml);
  }

  /** Rows with ids; the second half brings a class and a level the first half has not seen. */
  private static String withIds(int rows, String lineEnd) {
    Random random = new Random(17);
    StringBuilder csv = new StringBuilder("id,x,y,color,label" + lineEnd);
    for (int i = 0; i < rows; i++) {
      boolean late = i > rows * 3 / 4;
      String color = late && i % 7 == 0 ? "violet" : i % 3 == 0 ? "red" : "blue";
      String label = late && i % 5 == 0 ? "c" : random.nextBoolean() ? "a" : "b";
      String x = i % 97 == 0 ? "" : String.format("%.4f", random.nextGaussian());
      csv.append("r")
          .append(i)
          .append(',')
          .append(x)
          .append(',')
          .append(random.nextInt(1000))
          .append(',')
          .append(color)
          .append(',')
          .append(label)
          .append(lineEnd);
      if (i % 113 == 0) {
        csv.append(lineEnd); // an empty line: skipped, but counted in the lines
      }
    }
    return csv.toString();
  }

  private static final String IDS = "  id: id\n  categorical: [color]\n  missing: drop\n";

  /** Every value of a load, row by row, with the split and the files' digests. */
  private static String describe(LoadedData data) {
    List<String> out = new ArrayList<>();
    out.add(data.files() + " " + data.features() + " " + data.target() + " " + data.dropped());
    for (List<DataRow> side : List.of(data.train(), data.test())) {
      out.add("--");
      for (DataRow r : side) {
        out.add(
            r.id()
                + " "
                + r.row()
                + " "
                + r.line()
                + " "
                + r.label()
                + " "
                + r.target()
                + " "
                + Arrays.toString(r.numeric())
                + " "
                + Arrays.toString(r.categorical()));
      }
      if (side instanceof Rows rows && !side.isEmpty()) {
        for (int f = 0; f < rows.frame().width(); f++) {
          out.add("levels " + f + " " + rows.frame().levels(f));
        }
      }
    }
    return String.join("\n", out);
  }

  private static List<String> rows(List<DataRow> rows) {
    return rows.stream()
        .map(
            r ->
                r.id()
                    + " "
                    + r.row()
                    + " "
                    + r.line()
                    + " "
                    + r.label()
                    + " "
                    + Arrays.toString(r.numeric())
                    + " "
                    + Arrays.toString(r.categorical()))
        .toList();
  }

  private String loaded(long halvesBytes, LoadedConfig config) throws Exception {
    return describe(new DataLoader(dir, null, halvesBytes).load(config));
  }

  @Test
  void idsLevelsClassesAndDroppedRows_areThoseOfOnePass() throws Exception {
    Files.writeString(dir.resolve("d.csv"), withIds(3000, "\n"));
    LoadedConfig config = config(IDS);
    String halves = loaded(ALWAYS, config);
    assertThat(halves).isEqualTo(loaded(NEVER, config)).contains("violet").contains(" c ");
  }

  @Test
  void aGoodFile_isReadInHalves_andAProblemInOnePassAgain() throws Exception {
    String csv = withIds(3000, "\n");
    LoadedConfig config = config(IDS);
    assertThat(parsed(csv, config).halves).isTrue();
    int late = (int) csv.lines().count() - 10;
    Throwable thrown =
        catchThrowable(() -> parsed(replaceLine(csv, late, "r9x,one,2,red,a"), config));
    assertThat(thrown).isInstanceOf(BadInputException.class);
  }

  private RowParser.Parsed parsed(String csv, LoadedConfig config) throws Exception {
    Path file = Files.writeString(dir.resolve("d.csv"), csv);
    try (CsvReader.Opened opened = CsvReader.open(file, "d.csv", 0)) {
      Columns columns = Columns.resolve(config, new Columns.Header("d.csv", opened.header()));
      return RowParser.parse(config, opened, columns, 7L, null);
    }
  }

  @Test
  void crlfLineEnds_areThoseOfOnePass() throws Exception {
    Files.writeString(dir.resolve("d.csv"), withIds(2000, "\r\n"));
    LoadedConfig config = config(IDS);
    assertThat(loaded(ALWAYS, config)).isEqualTo(loaded(NEVER, config));
  }

  @Test
  void contentKeys_numberRepeatsAcrossTheHalves() throws Exception {
    StringBuilder csv = new StringBuilder("x,color,label\n");
    for (int i = 0; i < 2000; i++) {
      // Rows repeat every 50, so repeats of first-half rows are in the second half too.
      csv.append(i % 50).append(',').append(i % 3 == 0 ? "red" : "blue").append(",a\n");
      csv.append(i % 50).append(".5,blue,b\n");
    }
    Files.writeString(dir.resolve("d.csv"), csv);
    LoadedConfig config = config("  categorical: [color]\n");
    String halves = loaded(ALWAYS, config);
    assertThat(halves).isEqualTo(loaded(NEVER, config)).contains("#40");
  }

  @Test
  void testRowsOnly_areThoseOfOnePass_andOfAFullRead() throws Exception {
    for (String csv :
        List.of(
            withIds(3000, "\n"),
            withIds(3000, "\r\n"),
            withIds(3000, "\r"), // old Mac line ends: no line breaks, no halves
            withIds(3000, "\n").strip())) { // no line break after the last row
      Files.writeString(dir.resolve("d.csv"), csv);
      LoadedConfig config = config(IDS);
      LoadedData full = new DataLoader(dir, null, NEVER).load(config);
      TrainingRecord record =
          new TrainingRecord(
              full.files().get(0).sha256(),
              full.train().size(),
              full.dropped(),
              full.target(),
              full.trainClassCounts());
      LoadedData halves = new DataLoader(dir, null, ALWAYS).loadTestRows(config, record);
      LoadedData one = new DataLoader(dir, null, NEVER).loadTestRows(config, record);
      assertThat(halves.trainingRecord()).isPresent();
      assertThat(one.trainingRecord()).isPresent();
      assertThat(describe(halves)).isEqualTo(describe(one));
      assertThat(rows(halves.test())).isEqualTo(rows(full.test())).isNotEmpty();
    }
  }

  /** The message of loading {@code csv} whole, in two halves or in one pass. */
  private String problem(String csv, String data, long halvesBytes) throws Exception {
    Files.writeString(dir.resolve("d.csv"), csv);
    Throwable thrown =
        catchThrowable(() -> new DataLoader(dir, null, halvesBytes).load(config(data)));
    assertThat(thrown).isInstanceOf(BadInputException.class);
    return thrown.getMessage();
  }

  private void assertSameProblem(String csv, String data, String expected) throws Exception {
    String halves = problem(csv, data, ALWAYS);
    assertThat(halves).isEqualTo(problem(csv, data, NEVER)).contains(expected);
  }

  /** The rows of {@link #withIds} with line {@code line} (1-based) replaced. */
  private static String replaceLine(String csv, int line, String with) {
    List<String> lines = new ArrayList<>(Arrays.asList(csv.split("\n", -1)));
    lines.set(line - 1, with);
    return String.join("\n", lines);
  }

  @Test
  void problemsInTheSecondHalf_readAsInOnePass() throws Exception {
    String csv = withIds(3000, "\n");
    int late = (int) csv.lines().count() - 10;
    assertSameProblem(replaceLine(csv, late, "r9x,1.0,2,red,a,extra"), IDS, "fields");
    assertSameProblem(replaceLine(csv, late, "r9x,one,2,red,a"), IDS, "'one' is not a number");
    assertSameProblem(replaceLine(csv, late, "r5,1.0,2,red,a"), IDS, "also the id of row");
    String twice =
        replaceLine(replaceLine(csv, late, "r9x,1.0,2,red,a"), late + 2, "r9x,1.0,2,red,a");
    assertSameProblem(twice, IDS, "also the id of row");
    // A bad cell in each half: the first one is reported.
    assertSameProblem(
        replaceLine(replaceLine(csv, late, "r9x,one,2,red,a"), 20, "r9y,two,2,red,a"),
        IDS,
        "'two' is not a number");
  }

  @Test
  void aByteThatIsNotUtf8InTheSecondHalf_isReportedAtItsLineAndColumn() throws Exception {
    byte[] csv = withIds(3000, "\n").getBytes(StandardCharsets.UTF_8);
    int at = csv.length - 40;
    while (csv[at] != ',') {
      at++;
    }
    csv[at + 1] = (byte) 0xE9;
    Files.write(dir.resolve("d.csv"), csv);
    String expected = "not UTF-8";
    Throwable halves = catchThrowable(() -> new DataLoader(dir, null, ALWAYS).load(config(IDS)));
    Throwable one = catchThrowable(() -> new DataLoader(dir, null, NEVER).load(config(IDS)));
    assertThat(halves).isInstanceOf(BadInputException.class);
    assertThat(halves.getMessage()).isEqualTo(one.getMessage()).contains(expected);
  }

  @Test
  void aFileWithAQuote_isReadInOnePass() throws Exception {
    String csv = withIds(3000, "\n");
    Files.writeString(dir.resolve("d.csv"), csv);
    try (CsvReader.Opened opened = CsvReader.open(dir.resolve("d.csv"), "d.csv", 0)) {
      assertThat(opened.halves()).isTrue();
      assertThat(opened.splitLines()).isBetween(1L, csv.lines().count());
    }
    Files.writeString(dir.resolve("d.csv"), replaceLine(csv, 5, "\"r9x\",1.0,2,red,a"));
    try (CsvReader.Opened opened = CsvReader.open(dir.resolve("d.csv"), "d.csv", 0)) {
      assertThat(opened.halves()).isFalse();
    }
    LoadedConfig config = config(IDS);
    assertThat(loaded(ALWAYS, config)).isEqualTo(loaded(NEVER, config));
  }

  @Test
  void layout_countsLineBreaksAndFindsTheMiddle() throws Exception {
    StringBuilder text = new StringBuilder("a,b\n");
    // Past several 64 KiB reads: the middle is found byte by byte, the rest counted by words.
    for (int i = 0; i < 40_000; i++) {
      text.append(i).append(",x").append(i % 10 == 0 ? "\r\n" : "\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("l.csv"), bytes);
    CsvReader.Layout layout = CsvReader.layout(file, bytes.length);
    assertThat(layout.lines()).isEqualTo(40_001);
    assertThat(layout.quoted()).isFalse();
    assertThat(bytes[(int) layout.split() - 1]).isEqualTo((byte) '\n');
    assertThat(layout.split() - 1).isGreaterThanOrEqualTo(bytes.length / 2);
    long before = 0;
    for (int i = 0; i < layout.split(); i++) {
      before += bytes[i] == '\n' ? 1 : 0;
    }
    assertThat(layout.splitLines()).isEqualTo(before);
  }
}
