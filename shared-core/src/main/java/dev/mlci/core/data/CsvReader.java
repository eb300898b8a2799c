package dev.mlci.core.data;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.RegularFiles;
import dev.mlci.core.io.TextFiles;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file with a header row (RFC 4180: comma-separated, double-quoted fields may hold
 * commas, quotes and line breaks). UTF-8 only; a byte-order mark and CRLF line endings are
 * accepted. Every problem is reported with the file, the line and, for data rows, the row number.
 */
public final class CsvReader {
  /**
   * Longest line accepted, in characters; longer ones are almost always a binary file or a wrong
   * format.
   */
  public static final int MAX_LINE_CHARS = 1 << 20;

  /**
   * Most columns accepted in a header ({@value}). Wider files are refused before any row is read:
   * training cost grows with the column count (100,000 columns took minutes and gigabytes), and
   * tabular models past this width are better fed from a feature store than a CSV.
   */
  public static final int MAX_COLUMNS = 10_000;

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).setTrim(false).get();

  private static final Pattern PARSER_LINE = Pattern.compile("line:? ?(\\d+)");

  private CsvReader() {}

  /**
   * Reads {@code file}.
   *
   * @param display the name used in messages
   * @throws BadInputException for a file that is not UTF-8, empty, has a bad header, ragged rows or
   *     no data
   * @throws IOException when the file cannot be read at all
   * @throws EnvironmentException when the heap is too small for the file (exit 3)
   */
  public static CsvTable read(Path file, String display) throws MlciException, IOException {
    RegularFiles.require(file, display, "");
    // Lines and header columns are counted by streaming, in constant memory, before the file is
    // read whole: a too wide file is refused, and running out of memory can say how big it was.
    long[] shape = prescan(file, display);
    try {
      return parse(file, display, new long[2]);
    } catch (OutOfMemoryError e) {
      // The table is unreachable once parse() has unwound, so there is memory to say so.
      throw OutOfMemory.of(
          "read " + display + " (" + Files.size(file) + " bytes)",
          Math.max(0, shape[0] - 1),
          shape[1],
          e);
    }
  }

  /**
   * Streams {@code file} once: its line count and the column count of its header (the first
   * non-empty record, quotes respected), refusing a header wider than {@link #MAX_COLUMNS}.
   */
  private static long[] prescan(Path file, String display) throws IOException, BadInputException {
    long lines = 0;
    long columns = 0;
    boolean inHeader = true;
    boolean quoted = false;
    boolean lineEmpty = true;
    int headerLine = 1;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            lines++;
          }
          if (!inHeader) {
            continue;
          }
          if (b == '"') {
            quoted = !quoted;
          } else if (b == ',' && !quoted) {
            columns++;
          } else if (b == '\n' && !quoted) {
            if (lineEmpty) {
              headerLine++;
              continue;
            }
            inHeader = false;
            continue;
          }
          if (b != '\r' && b != '\n') {
            if (lineEmpty) {
              columns++; // the first field of the header
            }
            lineEmpty = false;
          }
          if (columns > MAX_COLUMNS) {
            throw new BadInputException(
                Problem.atLine(
                    display,
                    headerLine,
                    "",
                    "the header has more than "
                        + MAX_COLUMNS
                        + " columns, the most mlci reads; the file was not loaded.",
                    "keep the columns the model uses (select them before writing the CSV), or"
                        + " reduce them (e.g. hashing or PCA) upstream."));
          }
        }
      }
    }
    return new long[] {lines, columns};
  }

  /**
   * Reads, keeping the rows and columns seen so far in {@code size} for an out-of-memory report.
   */
  private static CsvTable parse(Path file, String display, long[] size)
      throws BadInputException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = TextFiles.decodeUtf8(display, bytes);
    if (text.isBlank()) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the file is empty.",
              "write a header row with the column names, then one row per example."));
    }
    int[] lineStarts = checkLineLengths(display, text);
    List<String> header = null;
    List<String[]> rows = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(text, FORMAT)) {
      for (CSVRecord record : parser) {
        int line = lineOf(text, lineStarts, (int) record.getCharacterPosition());
        if (header == null) {
          header = header(display, line, record);
          size[1] = header.size();
          continue;
        }
        if (record.size() != header.size()) {
          throw new BadInputException(
              Problem.atRow(
                      display,
                      rows.size() + 1,
                      "",
                      "the row has "
                          + record.size()
                          + " fields but the header has "
                          + header.size()
                          + ".",
                      record.size() > header.size()
                          ? "quote fields that contain commas (\"a, b\"), or remove the extra fields."
                          : "add the missing fields; leave a field empty (a,,c) to mark a missing value.")
                  .onLine(line));
        }
        rows.add(record.values());
        lines.add(line);
        size[0]++;
      }
    } catch (UncheckedIOException e) {
      Matcher m = PARSER_LINE.matcher(String.valueOf(e.getCause().getMessage()));
      int line = m.find() ? Integer.parseInt(m.group(1)) : 0;
      throw new BadInputException(
          Problem.atLine(
              display,
              line,
              "",
              "the CSV cannot be parsed: " + e.getCause().getMessage() + ".",
              "check the quotes on this line: a field that starts with \" must end with \", and a \" inside it is"
                  + " written \"\"."));
    }
    if (rows.isEmpty()) {
      throw new BadInputException(
          Problem.atLine(
              display,
              1,
              "",
              "the file has a header but no data rows.",
              "add one row per example below the header."));
    }
    return new CsvTable(
        display,
        Digests.sha256Hex(bytes),
        header,
        rows,
        lines.stream().mapToInt(Integer::intValue).toArray());
  }

  private static List<String> header(String display, int line, CSVRecord record)
      throws BadInputException {
    if (record.size() > MAX_COLUMNS) {
      throw new BadInputException(
          Problem.atLine(
              display,
              line,
              "",
              "the header has "
                  + record.size()
                  + " columns; mlci reads at most "
                  + MAX_COLUMNS
                  + ".",
              "keep the columns the model uses (select them before writing the CSV), or reduce"
                  + " them (e.g. hashing or PCA) upstream."));
    }
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < record.size(); i++) {
      String name = record.get(i).trim();
      if (name.isEmpty()) {
        throw new BadInputException(
            Problem.atLine(
                display,
                line,
                "",
                "column " + (i + 1) + " of the header has no name.",
                "give every column a name in the first row."));
      }
      Integer previous = seen.put(name, i + 1);
      if (previous != null) {
        throw new BadInputException(
            Problem.atLine(
                display,
                line,
                name,
                "the header names this column twice (columns "
                    + previous
                    + " and "
                    + (i + 1)
                    + ").",
                "rename one of them so every column name is unique."));
      }
      names.add(name);
    }
    return names;
  }

  /** Finds every line start, and rejects a line longer than {@link #MAX_LINE_CHARS}. */
  private static int[] checkLineLengths(String display, String text) throws BadInputException {
    int[] starts = new int[1024];
    int count = 0;
    int start = 0;
    starts[count++] = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > MAX_LINE_CHARS) {
          throw new BadInputException(
              Problem.atLine(
                  display,
                  count,
                  "",
                  "line "
                      + count
                      + " is "
                      + (i - start)
                      + " characters long; the limit is "
                      + MAX_LINE_CHARS
                      + ".",
                  "check that this is a CSV file with one example per line (line breaks may be missing)."));
        }
        if (i < text.length()) {
          if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
          }
          starts[count++] = i + 1;
          start = i + 1;
        }
      }
    }
    return Arrays.copyOf(starts, count);
  }

  /**
   * The 1-based line of the record starting at character {@code position}. The parser reports the
   * position before the empty lines it skips, so those are skipped here too.
   */
  private static int lineOf(String text, int[] lineStarts, int position) {
    int i = Arrays.binarySearch(lineStarts, position);
    i = i >= 0 ? i : -i - 2;
    while (i + 1 < lineStarts.length && isEmptyLine(text, lineStarts[i], lineStarts[i + 1])) {
      i++;
    }
    return i + 1;
  }

  private static boolean isEmptyLine(String text, int start, int next) {
    int end = next - 1; // the '\n'
    if (end > start && text.charAt(end - 1) == '\r') {
      end--;
    }
    return end == start;
  }
}
