package dev.mlci.core.external;

import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.Rows;
import dev.mlci.format.Digests;
import dev.mlci.format.FeatureSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes {@code MLCI_TRAIN_DATA}: a header (the id column, the features in order, the target), then
 * each training row with those cells.
 *
 * <p>A cell is copied byte for byte from the source file when it already reads as mlci read it
 * (unquoted, no surrounding blanks, not a missing-value token): the file is read again (from the
 * page cache, and only used when its SHA-256 is still the one mlci checked), split into records and
 * fields, and the training rows' fields are copied; numbers are not formatted anew. A row with any
 * other cell (quoted, padded, a missing-value token) is written from the values mlci parsed:
 * numbers in shortest exact decimal form, missing cells empty, RFC 4180 quoting. Both give the same
 * values to a CSV reader; copying is several times faster on 100,000 rows (bench/external).
 */
final class TrainingRows {
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private TrainingRows() {}

  /**
   * How the rows were written.
   *
   * @param rows training rows written
   * @param copied of those, rows whose cells were copied from the source file
   */
  record Written(int rows, int copied) {}

  /**
   * Writes the training rows of {@code data} to {@code csv}.
   *
   * @param source the file the training rows were read from, or empty to format every row
   * @param hashIds whether the ids are mlci's content hashes (no id column in the source)
   * @param naValues the cell values that mean "missing" (written as empty cells)
   */
  static Written write(
      Path csv,
      String idColumn,
      LoadedData data,
      FeatureSpec spec,
      Optional<Path> source,
      boolean hashIds,
      Set<String> naValues)
      throws IOException {
    List<String> header = new ArrayList<>();
    header.add(idColumn);
    header.addAll(data.features());
    header.add(spec.target().name());
    // Plain CSV only: a compressed or columnar source (other file names) has no rows to copy.
    Optional<Source> raw =
        source
            .filter(s -> s.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
            .flatMap(s -> Source.read(s, data, header, idColumn, hashIds));
    byte[][] na =
        naValues.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    int copied = rows(csv, header, data, spec, raw.orElse(null), na);
    // The copy counts only if the bytes were those mlci read (checked on the other core while
    // copying); otherwise every row is written again from the parsed values.
    if (raw.isPresent() && !raw.get().unchanged()) {
      copied = rows(csv, header, data, spec, null, na);
    }
    return new Written(data.train().size(), copied);
  }

  /** Writes the file: rows copied from {@code raw} where they can be, or all formatted. */
  private static int rows(
      Path csv, List<String> header, LoadedData data, FeatureSpec spec, Source raw, byte[][] na)
      throws IOException {
    int copied = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 16)) {
      out.write(FORMAT.format(header.toArray()).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      Cursor cursor = raw == null ? null : new Cursor(raw);
      List<DataRow> train = data.train();
      // The loader's rows give the file row and id from its columns: a row (a copy of its cells)
      // is made only for a row written from the parsed values.
      Rows columns = train instanceof Rows r ? r : null;
      for (int i = 0; i < train.size(); i++) {
        DataRow made = columns == null ? train.get(i) : null;
        int fileRow = made != null ? made.row() : columns.frame().fileRow(columns.frameRow(i));
        String id = made != null ? made.id() : columns.id(i);
        if (cursor != null && cursor.copy(fileRow, id, na, out)) {
          copied++;
        } else {
          DataRow row = made != null ? made : train.get(i);
          out.write(formatted(row, data, spec).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
    }
    return copied;
  }

  /** The row as mlci parsed it, one RFC 4180 record (no line separator). */
  private static String formatted(DataRow row, LoadedData data, FeatureSpec spec) {
    List<String> cells = new ArrayList<>(data.features().size() + 2);
    cells.add(row.id());
    for (int i = 0; i < data.features().size(); i++) {
      if (data.categorical().get(i)) {
        cells.add(row.categorical()[i] == null ? "" : row.categorical()[i]);
      } else {
        double x = row.numeric()[i];
        cells.add(Double.isNaN(x) ? "" : number(x));
      }
    }
    cells.add(spec.target().isClassification() ? row.label() : number(row.target()));
    return FORMAT.format(cells.toArray());
  }

  /** Shortest exact text of {@code x}; integers without a fraction. */
  static String number(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  /**
   * The source file's bytes, unchanged since mlci read them, and where the columns of {@code
   * MLCI_TRAIN_DATA} are in its records.
   *
   * @param columns for each output column after the id: the source field index
   * @param idField the source field of the id column, or -1 when ids are mlci's content hashes
   */
  private record Source(
      byte[] bytes,
      int start,
      int width,
      int idField,
      int[] columns,
      FutureTask<Boolean> digestMatches) {
    /** Whether the bytes hash to the SHA-256 mlci checked when it read them. */
    boolean unchanged() throws IOException {
      try {
        return digestMatches.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while checking " + e.getMessage());
      } catch (ExecutionException e) {
        return false;
      }
    }

    static Optional<Source> read(
        Path file, LoadedData data, List<String> header, String idName, boolean hashIds) {
      String display = data.train().isEmpty() ? null : data.train().get(0).file();
      Optional<String> sha =
          data.files().stream()
              .filter(f -> f.path().equals(display))
              .map(f -> f.sha256())
              .findFirst();
      if (sha.isEmpty()) {
        return Optional.empty();
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException | OutOfMemoryError e) {
        return Optional.empty();
      }
      // Changed since it was read: the parsed values are what counts. Hashed while the rows are
      // copied (unchanged()).
      String expected = sha.get();
      FutureTask<Boolean> digestMatches =
          new FutureTask<>(() -> Digests.sha256Hex(bytes).equals(expected));
      Thread hashing = new Thread(digestMatches, "mlci-train-data-sha256");
      hashing.setDaemon(true);
      hashing.start();
      int start =
          bytes.length >= 3
                  && (bytes[0] & 0xff) == 0xEF
                  && (bytes[1] & 0xff) == 0xBB
                  && (bytes[2] & 0xff) == 0xBF
              ? 3
              : 0;
      // The header: the first non-empty record, unquoted names only.
      Records records = new Records(bytes, start);
      if (!records.next() || records.quoted) {
        return Optional.empty();
      }
      List<String> names = new ArrayList<>();
      for (int f = 0; f < records.fields; f++) {
        names.add(
            new String(
                    bytes,
                    records.starts[f],
                    records.ends[f] - records.starts[f],
                    StandardCharsets.UTF_8)
                .trim());
      }
      int[] columns = new int[header.size() - 1];
      for (int c = 1; c < header.size(); c++) {
        columns[c - 1] = names.indexOf(header.get(c));
        if (columns[c - 1] < 0) {
          return Optional.empty();
        }
      }
      int idField = hashIds ? -1 : names.indexOf(idName);
      if (!hashIds && idField < 0) {
        return Optional.empty();
      }
      return Optional.of(
          new Source(bytes, records.position, names.size(), idField, columns, digestMatches));
    }
  }

  /** Walks the source's data records in step with the training rows (both in file order). */
  private static final class Cursor {
    private final Source source;
    private final Records records;
    private int row; // 1-based data row of the current record
    private boolean broken;

    Cursor(Source source) {
      this.source = source;
      this.records = new Records(source.bytes(), source.start());
    }

    /**
     * Copies {@code row}'s cells from its source record, or returns false (nothing written) when a
     * cell needs mlci's parsed value or the source does not line up (then no later row is copied).
     */
    boolean copy(int fileRow, String id, byte[][] na, OutputStream out) throws IOException {
      if (broken) {
        return false;
      }
      while (this.row < fileRow) {
        if (!records.next()) {
          broken = true;
          return false;
        }
        this.row++;
      }
      if (this.row != fileRow || records.fields != source.width()) {
        broken = true;
        return false;
      }
      if (records.quoted) {
        return false;
      }
      byte[] b = source.bytes();
      int[] s = records.starts;
      int[] e = records.ends;
      if (source.idField() >= 0) {
        int f = source.idField();
        if (!equalsAscii(b, s[f], e[f], id)) {
          // Padded ids differ from the trimmed value, which is what the script must see.
          if (!new String(b, s[f], e[f] - s[f], StandardCharsets.UTF_8).trim().equals(id)) {
            broken = true;
          }
          return false;
        }
      }
      int[] columns = source.columns();
      for (int c = 0; c < columns.length; c++) {
        int f = columns[c];
        int from = s[f];
        int to = e[f];
        if (from < to && ((b[from] & 0xff) <= ' ' || (b[to - 1] & 0xff) <= ' ')) {
          return false;
        }
        if (from < to && isNa(b, from, to, na)) {
          return false;
        }
      }
      if (source.idField() >= 0) {
        out.write(b, s[source.idField()], e[source.idField()] - s[source.idField()]);
      } else {
        out.write(FORMAT.format(id).getBytes(StandardCharsets.UTF_8));
      }
      for (int f : columns) {
        out.write(',');
        out.write(b, s[f], e[f] - s[f]);
      }
      out.write('\n');
      return true;
    }

    static boolean isNa(byte[] b, int from, int to, byte[][] na) {
      for (byte[] token : na) {
        if (token.length == to - from && Arrays.equals(b, from, to, token, 0, token.length)) {
          return true;
        }
      }
      return false;
    }

    private static boolean equalsAscii(byte[] b, int from, int to, String s) {
      if (to - from != s.length()) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        if (b[from + i] != s.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * RFC 4180 records of a byte array, as the CSV reader splits them: fields at commas outside
   * quotes, records at LF or CRLF outside quotes, empty lines skipped. {@link #next} stops (false)
   * at the end, or at a bare CR (a line ending the copy does not handle).
   */
  static final class Records {
    private final byte[] b;
    int position;
    int fields;
    int[] starts = new int[64];
    int[] ends = new int[64];
    boolean quoted;

    Records(byte[] b, int position) {
      this.b = b;
      this.position = position;
    }

    boolean next() {
      while (position < b.length) {
        // An empty line (LF or CRLF alone) is no record.
        if (b[position] == '\n') {
          position++;
          continue;
        }
        if (b[position] == '\r' && position + 1 < b.length && b[position + 1] == '\n') {
          position += 2;
          continue;
        }
        return record();
      }
      return false;
    }

    private boolean record() {
      fields = 0;
      quoted = false;
      int i = position;
      int fieldStart = i;
      boolean inQuotes = false;
      while (true) {
        if (i >= b.length) {
          if (inQuotes) {
            return false;
          }
          field(fieldStart, i);
          position = i;
          return true;
        }
        byte c = b[i];
        if (inQuotes) {
          if (c == '"') {
            if (i + 1 < b.length && b[i + 1] == '"') {
              i += 2;
              continue;
            }
            inQuotes = false;
          }
          i++;
          continue;
        }
        if (c == '"') {
          inQuotes = true;
          quoted = true;
          i++;
        } else if (c == ',') {
          field(fieldStart, i);
          fieldStart = ++i;
        } else if (c == '\n') {
          field(fieldStart, i > fieldStart && b[i - 1] == '\r' ? i - 1 : i);
          position = i + 1;
          return true;
        } else if (c == '\r' && (i + 1 >= b.length || b[i + 1] != '\n')) {
          return false; // a bare CR ends a record for the reader; not followed here
        } else {
          i++;
        }
      }
    }

    private void field(int from, int to) {
      if (fields == starts.length) {
        starts = Arrays.copyOf(starts, fields * 2);
        ends = Arrays.copyOf(ends, fields * 2);
      }
      starts[fields] = from;
      ends[fields] = to;
      fields++;
    }
  }
}
