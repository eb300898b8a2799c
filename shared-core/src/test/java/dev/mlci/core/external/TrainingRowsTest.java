package dev.mlci.core.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.SpecFitter;
import dev.mlci.format.FeatureSpec;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLCI_TRAIN_DATA as {@link TrainingRows} writes it: rows copied byte for byte from the source read
 * by Commons CSV exactly as the rows written from mlci's parsed values, whatever the source's
 * quoting, padding, missing-value tokens, byte-order mark, line endings and empty lines.
 */
class TrainingRowsTest {
  @TempDir Path tmp;

  /** Plain rows, then one of each kind the copy must leave to the parsed values. */
  private static final String SOURCE =
      "\uFEFFid,x1,c,x2,extra,y\r\n"
          + "r1,1.5,red,-2,9,a\r\n"
          + "\r\n"
          + "r2,\"2.25\",blue,3e2,9,b\r\n" // quoted
          + "r3, 0.5 ,red,4,9,a\r\n" // padded
          + "r4,1,green,NA,9,b\r\n" // a missing-value token (imputed later)
          + "r5,,red,7,9,a\r\n" // an empty cell
          + "r6,+.5,\"a, b\",8,9,b\r\n" // a category holding a comma
          + "r7,0.125,blue,-0.0,9,a\r\n"
          + "r8,1,red,2,9,b\r\n"
          + "r9,2,blue,1,9,a\r\n"
          + "r10,3,red,0,9,b"; // the last line has no line break

  private LoadedConfig config(String source, String extra) throws Exception {
    Files.writeString(tmp.resolve("d.csv"), source, StandardCharsets.UTF_8);
    Path yaml =
        Files.writeString(
            tmp.resolve("ml.yaml"),
            String.join(
                "\n",
                "name: rows",
                "task: classification",
                "data:",
                "  path: d.csv",
                "  target: y",
                "  features: [x1, c, x2]",
                "  categorical: [c]",
                "  missing: impute-mean",
                extra,
                "  split:",
                "    test_fraction: 0.3",
                "model:",
                "  trainer: external",
                "  command: python3 train.py",
                ""));
    return new ConfigLoader(tmp).load(yaml);
  }

  private record Out(List<List<String>> records, TrainingRows.Written written) {}

  private Out write(LoadedConfig loaded, LoadedData data, boolean fromSource, String file)
      throws Exception {
    FeatureSpec spec = SpecFitter.fit(loaded.config(), data, false);
    Path csv = tmp.resolve(file);
    TrainingRows.Written w =
        TrainingRows.write(
            csv,
            loaded.config().data().id().orElse(ExternalTraining.DEFAULT_ID_COLUMN),
            data,
            spec,
            fromSource ? Optional.of(tmp.resolve("d.csv")) : Optional.empty(),
            loaded.config().data().id().isEmpty(),
            new HashSet<>(loaded.config().data().naValues()));
    List<List<String>> records = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      for (CSVRecord rec : CSVFormat.RFC4180.parse(r)) {
        records.add(rec.toList());
      }
    }
    return new Out(records, w);
  }

  @Test
  void copiedRows_readAsTheParsedValues() throws Exception {
    LoadedConfig loaded = config(SOURCE, "  id: id");
    LoadedData data = new DataLoader(tmp).load(loaded);
    Out copied = write(loaded, data, true, "copied.csv");
    Out formatted = write(loaded, data, false, "formatted.csv");

    assertThat(copied.records().get(0)).containsExactly("id", "x1", "c", "x2", "y");
    assertThat(copied.records()).hasSize(data.train().size() + 1);
    assertThat(formatted.written().copied()).isZero();
    // r2 (quoted), r3 (padded), r4 (NA) and r6 (quoted) take the parsed values.
    List<String> ids = data.train().stream().map(DataRow::id).toList();
    long plain =
        ids.stream().filter(List.of("r1", "r5", "r7", "r8", "r9", "r10")::contains).count();
    assertThat(copied.written().copied()).isEqualTo((int) plain).isPositive();
    for (int i = 1; i < copied.records().size(); i++) {
      List<String> a = copied.records().get(i);
      List<String> b = formatted.records().get(i);
      assertThat(a.get(0)).isEqualTo(b.get(0));
      assertThat(a.get(2)).isEqualTo(b.get(2));
      assertThat(a.get(4)).isEqualTo(b.get(4));
      for (int f : new int[] {1, 3}) {
        if (b.get(f).isEmpty()) {
          assertThat(a.get(f)).as("row %s column %d", a.get(0), f).isEmpty();
        } else {
          // == : the copy keeps the sign of a zero ("-0.0") that the formatted "0" drops
          assertThat(Double.parseDouble(a.get(f)) == Double.parseDouble(b.get(f)))
              .as("row %s column %d: %s vs %s", a.get(0), f, a.get(f), b.get(f))
              .isTrue();
        }
      }
    }
    String text = Files.readString(tmp.resolve("copied.csv"));
    assertThat(ids).contains("r1", "r4", "r6"); // the split keeps these in training
    assertThat(text).contains("\nr1,1.5,red,-2,a\n"); // the source's bytes, CR dropped
    assertThat(text).contains("\nr4,1,green,,b\n"); // the NA token as an empty cell
    assertThat(text).contains("\nr6,0.5,\"a, b\",8,b\n"); // re-quoted from the parsed value
  }

  @Test
  void contentHashIds_areWrittenBeforeTheCopiedCells() throws Exception {
    LoadedConfig loaded = config(SOURCE, "");
    LoadedData data = new DataLoader(tmp).load(loaded);
    Out copied = write(loaded, data, true, "copied.csv");
    Out formatted = write(loaded, data, false, "formatted.csv");
    assertThat(copied.records().get(0).get(0)).isEqualTo(ExternalTraining.DEFAULT_ID_COLUMN);
    assertThat(copied.written().copied()).isPositive();
    for (int i = 1; i < copied.records().size(); i++) {
      assertThat(copied.records().get(i).get(0))
          .startsWith("h:")
          .isEqualTo(formatted.records().get(i).get(0));
    }
  }

  @Test
  void sourceChangedSinceItWasRead_everyRowFromTheParsedValues() throws Exception {
    LoadedConfig loaded = config(SOURCE, "  id: id");
    LoadedData data = new DataLoader(tmp).load(loaded);
    Files.writeString(tmp.resolve("d.csv"), SOURCE.replace("1.5", "9.5"), StandardCharsets.UTF_8);
    Out copied = write(loaded, data, true, "copied.csv");
    Out formatted = write(loaded, data, false, "formatted.csv");
    assertThat(copied.written().copied()).isZero();
    assertThat(copied.records()).isEqualTo(formatted.records());
  }
}
