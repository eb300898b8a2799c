package dev.mlci.core.data;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV byte stream record by record (RFC 4180: comma-separated, double-quoted fields may
 * hold commas, quotes and line breaks; CRLF, LF or CR ends a record; empty lines are skipped),
 * holding one record at a time. UTF-8 only (a byte-order mark is skipped). Every problem names the
 * line and, for data rows, the row; a line longer than {@link CsvReader#MAX_LINE_CHARS} characters
 * and a header wider than {@link CsvReader#MAX_COLUMNS} are refused.
 *
 * <p>The separators are ASCII, so the record structure is found on the bytes and only a field's
 * bytes are decoded; an ASCII field (every number) becomes a String without a decoder.
 */
final class CsvStream implements Closeable {
  private static final int EOF = -1;

  private final InputStream in;
  private final String display;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private long consumed; // bytes before buf[0]

  private int line = 1; // current physical line
  private int lineChars; // characters on it so far
  private long lineStart; // offset of its first byte

  // The current record: its fields' bytes back to back, where each ends, and the text of those
  // already decoded (non-ASCII fields at once, to check the UTF-8; ASCII ones when asked for).
  private byte[] field = new byte[1024];
  private int fieldLength;
  private boolean fieldAscii;
  private int[] fieldEnd = new int[64];
  private String[] fieldText = new String[64];
  private int fieldCount;

  private final List<String> header;
  private int rows;
  private boolean noRowsAllowed; // a header alone is a file of no rows, not a problem
  private int recordLine;
  private boolean partial; // the current record has fields not read yet (advanceTo)
  private CharsetDecoder decoder;

  /**
   * Opens the stream and reads its header.
   *
   * @throws BadInputException for an empty file or a bad header
   */
  CsvStream(InputStream in, String display) throws IOException, BadInputException {
    this.in = in;
    this.display = display;
    fill();
    if (limit - pos >= 3
        && (buf[pos] & 0xFF) == 0xEF
        && (buf[pos + 1] & 0xFF) == 0xBB
        && (buf[pos + 2] & 0xFF) == 0xBF) {
      pos += 3;
    }
    this.header = readHeader();
  }

  /**
   * Opens a stream of data records that continues a file whose header was read already: the rest of
   * a file after a line break (its lines and rows counted from 1 again).
   */
  CsvStream(InputStream in, String display, List<String> header) throws IOException {
    this.in = in;
    this.display = display;
    this.header = List.copyOf(header);
    fill();
  }

  /** The column names, trimmed, unique, at most {@link CsvReader#MAX_COLUMNS}. */
  List<String> header() {
    return header;
  }

  /** The file name used in messages. */
  String display() {
    return display;
  }

  /** Bytes taken from the underlying stream so far (for progress). */
  long bytesRead() {
    return consumed + pos;
  }

  /** From now on a file that has a header and no data rows ends at once, as any other file does. */
  void allowNoRows() {
    noRowsAllowed = true;
  }

  /** The 1-based line on which the record last returned by {@link #next} starts. */
  int line() {
    return recordLine;
  }

  /** The 1-based data row number of the record last returned by {@link #next}. */
  int row() {
    return rows;
  }

  /**
   * The next data row, exactly {@code header().size()} fields, or null at the end. The array is the
   * caller's.
   *
   * @throws BadInputException for a ragged row, a bad quote, a line too long or a byte that is not
   *     UTF-8; and, at the end, when there was no data row at all
   */
  String[] next() throws IOException, BadInputException {
    return advance() ? current() : null;
  }

  /** The fields of the current record, as text. The array is the caller's. */
  String[] current() {
    String[] cells = new String[fieldCount];
    for (int c = 0; c < fieldCount; c++) {
      cells[c] = field(c);
    }
    return cells;
  }

  /**
   * Moves to the next data row, exactly {@code header().size()} fields, read with {@link #field}
   * and {@link #decimal}; false at the end.
   *
   * @throws BadInputException as {@link #next}
   */
  boolean advance() throws IOException, BadInputException {
    return advanceTo(Integer.MAX_VALUE);
  }

  /**
   * Moves to the next data row as {@link #advance} does, but reads its fields only as far as {@code
   * fields} of them: the rest are read by {@link #finishRecord} (which then checks their count) or
   * passed over by {@link #skipRecord}.
   */
  boolean advanceTo(int fields) throws IOException, BadInputException {
    if (!startRecord()) {
      if (rows == 0 && !noRowsAllowed) {
        throw new BadInputException(
            Problem.atLine(
                display,
                1,
                "",
                "the file has a header but no data rows.",
                "add one row per example below the header."));
      }
      return false;
    }
    rows++;
    readFields(fields);
    if (!partial) {
      requireWidth();
    }
    return true;
  }

  /** Reads the fields of the current record that {@link #advanceTo} left, checking their count. */
  void finishRecord() throws IOException, BadInputException {
    if (partial) {
      readFields(Integer.MAX_VALUE);
      requireWidth();
    }
  }

  /**
   * Passes over the rest of the current record without reading its fields: to the next line break,
   * so only for a file without quotes, whose rows were checked before (their field count, line
   * length and UTF-8 are not checked again). Eight bytes at a time.
   */
  void skipRecord() throws IOException, BadInputException {
    if (!partial) {
      return;
    }
    partial = false;
    while (pos < limit || fill()) {
      int p = pos;
      for (; p + Long.BYTES <= limit; p += Long.BYTES) {
        long word = (long) CsvReader.LONGS.get(buf, p);
        long ends =
            CsvReader.matches(word, CsvReader.NEWLINES)
                | CsvReader.matches(word, CsvReader.RETURNS);
        if (ends != 0) {
          pos = p + (Long.numberOfTrailingZeros(ends) >>> 3);
          take();
          return;
        }
      }
      for (; p < limit; p++) {
        if (buf[p] == '\n' || buf[p] == '\r') {
          pos = p;
          take();
          return;
        }
      }
      pos = limit;
    }
  }

  private void requireWidth() throws BadInputException {
    if (fieldCount != header.size()) {
      throw new BadInputException(
          Problem.atRow(
                  display,
                  rows,
                  "",
                  "the row has " + fieldCount + " fields but the header has " + header.size() + ".",
                  fieldCount > header.size()
                      ? "quote fields that contain commas (\"a, b\"), or remove the extra fields."
                      : "add the missing fields; leave a field empty (a,,c) to mark a missing value.")
              .onLine(recordLine));
    }
  }

  /** The text of field {@code c} of the current record. */
  String field(int c) {
    String text = fieldText[c];
    if (text == null) {
      int start = c == 0 ? 0 : fieldEnd[c - 1];
      text = new String(field, start, fieldEnd[c] - start, StandardCharsets.ISO_8859_1);
      fieldText[c] = text;
    }
    return text;
  }

  /**
   * Field {@code c} of the current record as a number when its bytes are exactly a plain decimal
   * ({@link Numbers#isDecimal}: no blanks, no other notation) of finite value, read without making
   * a String; else NaN, and the caller reads {@link #field} instead.
   */
  double decimal(int c) {
    int start = c == 0 ? 0 : fieldEnd[c - 1];
    int length = fieldEnd[c] - start;
    if (!Numbers.isDecimal(field, start, length)) {
      return Double.NaN;
    }
    double value = JavaDoubleParser.parseDouble(field, start, length);
    return Double.isFinite(value) ? value : Double.NaN;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private List<String> readHeader() throws IOException, BadInputException {
    int firstBlank = 0;
    while (true) {
      if (!readRecord()) {
        throw new BadInputException(
            Problem.in(
                display,
                "",
                "the file is empty.",
                "write a header row with the column names, then one row per example."));
      }
      if (fieldCount == 1 && field(0).isBlank()) {
        // A line of blanks: the file may still turn out to be empty.
        firstBlank = firstBlank == 0 ? recordLine : firstBlank;
        continue;
      }
      break;
    }
    int headerLine = firstBlank == 0 ? recordLine : firstBlank;
    if (firstBlank != 0) {
      throw new BadInputException(
          Problem.atLine(
              display,
              headerLine,
              "",
              "column 1 of the header has no name.",
              "give every column a name in the first row."));
    }
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < fieldCount; i++) {
      String name = field(i).trim();
      if (name.isEmpty()) {
        throw new BadInputException(
            Problem.atLine(
                display,
                headerLine,
                "",
                "column " + (i + 1) + " of the header has no name.",
                "give every column a name in the first row."));
      }
      Integer previous = seen.put(name, i + 1);
      if (previous != null) {
        throw new BadInputException(
            Problem.atLine(
                display,
                headerLine,
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
    return List.copyOf(names);
  }

  private BadInputException tooWide(int headerLine) {
    return new BadInputException(
        Problem.atLine(
            display,
            headerLine,
            "",
            "the header has more than "
                + CsvReader.MAX_COLUMNS
                + " columns, the most mlci reads; the file was not loaded.",
            "keep the columns the model uses (select them before writing the CSV), or"
                + " reduce them (e.g. hashing or PCA) upstream."));
  }

  /** Reads one record into the fields; false at the end of the stream. */
  private boolean readRecord() throws IOException, BadInputException {
    if (!startRecord()) {
      return false;
    }
    readFields(Integer.MAX_VALUE);
    return true;
  }

  /** Moves to the start of the next record (past empty lines); false at the end of the stream. */
  private boolean startRecord() throws IOException, BadInputException {
    if (partial) {
      readFields(Integer.MAX_VALUE);
    }
    fieldCount = 0;
    fieldLength = 0;
    int b = peek();
    while (b == '\n' || b == '\r') {
      take();
      b = peek();
    }
    if (b == EOF) {
      return false;
    }
    recordLine = line;
    return true;
  }

  /**
   * Reads fields of the current record until it ends or {@code upTo} fields are read; {@link
   * #partial} says whether fields are left.
   */
  private void readFields(int upTo) throws IOException, BadInputException {
    boolean inHeader = header == null;
    int b;
    while (fieldCount < upTo) {
      int fieldStart = fieldLength;
      fieldAscii = true;
      int fieldLine = line;
      long fieldOffset = bytesRead();
      long fieldLineStart = lineStart;
      b = peek();
      boolean quoted = b == '"';
      int end;
      if (quoted) {
        take();
        while (true) {
          int c = take();
          if (c == EOF) {
            throw new BadInputException(
                Problem.atLine(
                    display,
                    fieldLine,
                    "",
                    "the CSV cannot be parsed: the quoted field that starts on line "
                        + fieldLine
                        + " is not closed before the end of the file.",
                    quoteFix()));
          }
          if (c == '"') {
            if (peek() == '"') {
              take();
              append('"');
              continue;
            }
            break;
          }
          append(c);
        }
        end = take();
        while (end == ' ' || end == '\t') {
          end = take();
        }
        if (end != ',' && end != '\n' && end != '\r' && end != EOF) {
          throw new BadInputException(
              Problem.atLine(
                  display,
                  line,
                  "",
                  "the CSV cannot be parsed: '"
                      + (char) end
                      + "' follows the closing quote of a field on line "
                      + line
                      + ".",
                  quoteFix()));
        }
      } else {
        end = unquoted();
      }
      endField(fieldStart, fieldLine, fieldOffset + (quoted ? 1 : 0), fieldLineStart);
      if (inHeader && fieldCount > CsvReader.MAX_COLUMNS) {
        throw tooWide(recordLine);
      }
      if (end != ',') {
        partial = false;
        return;
      }
    }
    partial = true;
  }

  /**
   * Reads the rest of an unquoted field into {@link #field}, a run of the buffer at a time, and
   * returns the byte that ends it (a comma, a line break or EOF), taken as {@link #take} takes it.
   */
  private int unquoted() throws IOException, BadInputException {
    while (true) {
      if (pos == limit && !fill()) {
        return EOF;
      }
      int from = pos;
      int p = pos;
      int chars = 0;
      byte b = 0;
      while (p < limit) {
        b = buf[p];
        if (b == ',' || b == '\n' || b == '\r') {
          break;
        }
        if ((b & 0xC0) != 0x80) {
          chars++;
        }
        p++;
      }
      int n = p - from;
      if (n > 0) {
        if (fieldLength + n > field.length) {
          field = Arrays.copyOf(field, Math.max(field.length * 2, fieldLength + n));
        }
        System.arraycopy(buf, from, field, fieldLength, n);
        for (int i = from; i < p && fieldAscii; i++) {
          fieldAscii = buf[i] >= 0;
        }
        fieldLength += n;
        pos = p;
        lineChars += chars;
        if (lineChars > CsvReader.MAX_LINE_CHARS) {
          throw lineTooLong();
        }
      }
      if (p < limit) {
        return take();
      }
    }
  }

  private static String quoteFix() {
    return "check the quotes on this line: a field that starts with \" must end with \", and a \""
        + " inside it is written \"\".";
  }

  private void append(int b) {
    if (fieldLength == field.length) {
      field = Arrays.copyOf(field, field.length * 2);
    }
    field[fieldLength++] = (byte) b;
    if (b >= 0x80) {
      fieldAscii = false;
    }
  }

  /** Ends the field that started at {@code start} in {@link #field}; decodes it unless ASCII. */
  private void endField(int start, int fieldLine, long fieldOffset, long fieldLineStart)
      throws BadInputException {
    if (fieldCount == fieldEnd.length) {
      fieldEnd = Arrays.copyOf(fieldEnd, fieldCount * 2);
      fieldText = Arrays.copyOf(fieldText, fieldCount * 2);
    }
    fieldEnd[fieldCount] = fieldLength;
    fieldText[fieldCount] =
        fieldAscii ? null : decode(start, fieldLine, fieldOffset, fieldLineStart);
    fieldCount++;
  }

  private String decode(int start, int fieldLine, long fieldOffset, long fieldLineStart)
      throws BadInputException {
    int length = fieldLength - start;
    if (decoder == null) {
      decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    decoder.reset();
    ByteBuffer bytes = ByteBuffer.wrap(field, start, length);
    CharBuffer out = CharBuffer.allocate(length);
    CoderResult result = decoder.decode(bytes, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = bytes.position() - start;
      int badLine = fieldLine;
      long column = fieldOffset - fieldLineStart + at + 1;
      for (int i = 0; i < at; i++) {
        if (field[start + i] == '\n') {
          badLine++;
          column = at - i;
        }
      }
      throw new BadInputException(
          Problem.at(
              display,
              badLine,
              (int) Math.min(Integer.MAX_VALUE, column),
              "",
              String.format(
                  "the file is not UTF-8: byte 0x%02X cannot start or continue a UTF-8 character.",
                  field[start + at] & 0xFF),
              "save the file as UTF-8 (e.g. 'iconv -f latin1 -t utf-8 in.csv > out.csv')."));
    }
    out.flip();
    return out.toString();
  }

  private int peek() throws IOException {
    if (pos == limit && !fill()) {
      return EOF;
    }
    return buf[pos] & 0xFF;
  }

  /** The next byte, counting lines and characters per line. */
  private int take() throws IOException, BadInputException {
    if (pos == limit && !fill()) {
      return EOF;
    }
    int b = buf[pos++] & 0xFF;
    if (b == '\n') {
      line++;
      lineChars = 0;
      lineStart = bytesRead();
    } else if ((b & 0xC0) != 0x80 && ++lineChars > CsvReader.MAX_LINE_CHARS) {
      throw lineTooLong();
    }
    return b;
  }

  /** Counts the rest of the over-long line, so the message can say how long it is. */
  private BadInputException lineTooLong() throws IOException {
    long length = lineChars;
    while (true) {
      if (pos == limit && !fill()) {
        break;
      }
      int b = buf[pos++] & 0xFF;
      if (b == '\n') {
        break;
      }
      if ((b & 0xC0) != 0x80) {
        length++;
      }
    }
    return new BadInputException(
        Problem.atLine(
            display,
            line,
            "",
            "line "
                + line
                + " is "
                + length
                + " characters long; the limit is "
                + CsvReader.MAX_LINE_CHARS
                + ".",
            "check that this is a CSV file with one example per line (line breaks may be missing)."));
  }

  private boolean fill() throws IOException {
    consumed += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }
}
