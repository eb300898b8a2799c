package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.SplitConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar loader gives the rows the string-per-cell reader gave: the same content-hash ids
 * (repeats numbered, dropped rows counted), the same split, the same values; compressed files load
 * the same rows and report bad cells at the same row and line.
 */
class ColumnarLoadTest {
  @TempDir Path dir;

  private static final String CSV =
      "x,color,label\n"
          + "1.5,red,a\n"
          + "2.5,blue,b\n"
          + "1.5,red,a\n" // repeats row 1
          + "\n"
          + ",red,b\n" // dropped (missing x), still counts for repeats of its content
          + "3,\"gr,een\",a\n"
          + "1.5,red,a\n" // third of its kind
          + ",red,b\n"
          + "4e2,blue,b\n";

  private LoadedConfig config(String path, String extra) throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("ml.yaml"),
            "name: t\ntask: classification\ndata:\n  path: "
                + path
                + "\n  target: label\n  categorical: [color]\n  missing: drop\n"
                + extra
                + "model:\n  trainer: logistic\n");
    return new ConfigLoader(dir).load(yaml);
  }

  private LoadedData load(String path, String extra) throws Exception {
    return new DataLoader(dir).load(config(path, extra));
  }

  /** The id and split key of each line of CSV the way mlci defined them before columns. */
  private static List<String[]> definedIds(String csv) {
    List<String[]> out = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      // The test data's only quoted field.
      String[] cells =
          lines[i].contains("\"gr,een\"")
              ? new String[] {"3", "gr,een", "a"}
              : lines[i].split(",", -1);
      String content = String.join("\u001f", cells);
      int n = counts.merge(content, 1, Integer::sum);
      byte[] digest = Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8));
      String id = "h:" + HexFormat.of().formatHex(digest, 0, 8) + (n > 1 ? "#" + n : "");
      if (!cells[0].isEmpty()) {
        out.add(new String[] {id, content});
      }
    }
    return out;
  }

  @Test
  void contentIds_andTheHashSplit_areAsDefined() throws Exception {
    Files.writeString(dir.resolve("d.csv"), CSV);
    LoadedData data = load("d.csv", "  split:\n    test_fraction: 0.5\n");

    List<String[]> defined = definedIds(CSV);
    List<String> ids = new ArrayList<>();
    data.train().forEach(r -> ids.add(r.id()));
    data.test().forEach(r -> ids.add(r.id()));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(defined.stream().map(d -> d[0]).toList());
    assertThat(ids).contains(defined.get(2)[0]).anyMatch(id -> id.endsWith("#3"));
    boolean[] test =
        Splitter.split(
            new SplitConfig(0.5, SplitConfig.defaults().seed(), SplitConfig.defaults().strategy()),
            defined.stream().map(d -> d[1]).toList(),
            null);
    List<String> expectedTest = new ArrayList<>();
    for (int i = 0; i < test.length; i++) {
      if (test[i]) {
        expectedTest.add(defined.get(i)[0]);
      }
    }
    assertThat(data.test().stream().map(DataRow::id).toList()).isEqualTo(expectedTest);
    assertThat(data.dropped()).isEqualTo(2);
    assertThat(data.files().get(0).rows()).isEqualTo(8);
  }

  @Test
  void rows_keepValuesLinesAndLevels() throws Exception {
    Files.writeString(dir.resolve("d.csv"), CSV);
    LoadedData data = load("d.csv", "  split:\n    test_fraction: 0.5\n");

    List<DataRow> all = new ArrayList<>(data.train());
    all.addAll(data.test());
    all.sort((a, b) -> Integer.compare(a.row(), b.row()));
    DataRow quoted = all.stream().filter(r -> r.row() == 5).findFirst().orElseThrow();
    assertThat(quoted.line()).isEqualTo(7);
    assertThat(quoted.categorical()[1]).isEqualTo("gr,een");
    assertThat(quoted.numeric()[0]).isEqualTo(3.0);
    assertThat(Double.isNaN(quoted.numeric()[1])).isTrue();
    assertThat(quoted.label()).isEqualTo("a");
    DataRow last = all.get(all.size() - 1);
    assertThat(last.numeric()[0]).isEqualTo(400.0);
    assertThat(last.line()).isEqualTo(10);
    Rows rows = (Rows) data.train();
    assertThat(rows.numericColumn(0)).hasSize(rows.size());
  }

  private static void gzip(Path from, Path to) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
      Files.copy(from, out);
    }
  }

  private static boolean zstd(Path from, Path to) throws Exception {
    // The zstd command-line tool (Debian package zstd), not the library mlci reads with.
    try {
      Process p =
          new ProcessBuilder("zstd", "-q", "-f", "-o", to.toString(), from.toString())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> summary(LoadedData d) {
    List<String> out = new ArrayList<>();
    for (List<DataRow> part : List.of(d.train(), d.test())) {
      for (DataRow r : part) {
        out.add(
            r.id()
                + " "
                + r.row()
                + " "
                + r.line()
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
  void gzipAndZstd_loadTheSameRows_andDigestTheFileBytes() throws Exception {
    Path csv = Files.writeString(dir.resolve("d.csv"), CSV);
    gzip(csv, dir.resolve("d.csv.gz"));
    LoadedData plain = load("d.csv", "");
    LoadedData gz = load("d.csv.gz", "");

    assertThat(summary(gz)).isEqualTo(summary(plain));
    assertThat(gz.files().get(0).sha256())
        .isEqualTo(Digests.sha256Hex(Files.readAllBytes(dir.resolve("d.csv.gz"))));
    assertThat(gz.files().get(0).path()).isEqualTo("d.csv.gz");

    boolean haveZstd = zstd(csv, dir.resolve("d.csv.zst"));
    if (!haveZstd && "1".equals(System.getenv("MLCI_REQUIRE_PYTHON"))) {
      throw new AssertionError("the zstd tool is missing (apt-get install zstd)");
    }
    assumeTrue(haveZstd, "zstd command-line tool not installed: .csv.zst not tested");
    assertThat(summary(load("d.csv.zst", ""))).isEqualTo(summary(plain));
  }

  @Test
  void badCellInAGzipFile_namesRowAndLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("d.csv"), CSV.replace("4e2,blue", "4x2,blue"));
    gzip(csv, dir.resolve("d.csv.gz"));

    assertThatThrownBy(() -> load("d.csv.gz", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("d.csv.gz:10: row 8, column 'x': '4x2' is not a number.");
  }

  @Test
  void truncatedGzip_isBadInputNamingTheFile() throws Exception {
    StringBuilder sb = new StringBuilder("x,color,label\n");
    for (int i = 0; i < 20_000; i++) {
      sb.append(i).append(",red,").append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Path csv = Files.writeString(dir.resolve("d.csv"), sb);
    gzip(csv, dir.resolve("full.gz"));
    byte[] full = Files.readAllBytes(dir.resolve("full.gz"));
    Files.write(dir.resolve("d.csv.gz"), Arrays.copyOf(full, full.length / 2));

    assertThatThrownBy(() -> load("d.csv.gz", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("d.csv.gz: the compressed file cannot be decompressed")
        .hasMessageContaining("Fix: ");
  }

  @Test
  void plainFileNamedGz_isBadInput() throws Exception {
    Files.writeString(dir.resolve("d.csv.gz"), CSV);

    assertThatThrownBy(() -> load("d.csv.gz", ""))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cannot be decompressed");
  }

  @Test
  void moreRowsThanTheHeapHolds_isRefusedBeforeReading() throws Exception {
    long heap = Runtime.getRuntime().maxMemory();
    assumeTrue(heap < (8L << 30), "heap too large to outgrow with a test file");
    HeapBudget budget = new HeapBudget(20, 0, false);
    long rows = heap / budget.bytesPerRow() + 1;

    assertThatThrownBy(() -> budget.require("d.csv", 1, rows, rows + " rows", 21))
        .isInstanceOf(MlciException.class)
        .hasMessageContaining("not enough memory to read d.csv")
        .hasMessageContaining(rows + " rows × 21 columns")
        .hasMessageContaining("MLCI_JAVA_OPTS=-Xmx");
  }
}
