package dev.mlci.core.data;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A CSV file's data rows one at a time, read by the reader mlci reads CSV data with ({@link
 * CsvReader}: RFC 4180, UTF-8, a byte-order mark skipped, blank lines passed over, a problem named
 * with the file, line and row), for a file a step reads beside the data, such as a training
 * command's {@code train_predictions.csv}: its messages are the data's, and after a CSV data set
 * its code is already compiled. Unlike a data file, a header without rows is no problem here: the
 * file just has no rows.
 *
 * <pre>{@code
 * try (CsvRecords csv = CsvRecords.open(file, "train_predictions.csv")) {
 *   int id = csv.header().indexOf("id");
 *   while (csv.next()) {
 *     String key = csv.text(id);
 *   }
 * }
 * }</pre>
 */
public final class CsvRecords implements AutoCloseable {
  private final CsvReader.Opened opened;

  private CsvRecords(CsvReader.Opened opened) {
    this.opened = opened;
  }

  /**
   * Opens {@code file} (decompressed when its name ends in {@code .gz} or {@code .zst}), read from
   * start to end on this thread; {@code display} names it in messages.
   *
   * @throws BadInputException for an empty file or a bad header
   * @throws IOException when the file cannot be read
   */
  public static CsvRecords open(Path file, String display) throws MlciException, IOException {
    CsvReader.Opened opened = CsvReader.open(file, display, Long.MAX_VALUE);
    opened.csv.allowNoRows();
    return new CsvRecords(opened);
  }

  /** The header's column names, in order, each stripped of surrounding blanks. */
  public List<String> header() {
    return opened.csv.header();
  }

  /**
   * Moves to the next data row (exactly {@code header().size()} fields); false at the end.
   *
   * @throws BadInputException for a ragged row, a bad quote, a line too long or a byte that is not
   *     UTF-8
   */
  public boolean next() throws IOException, BadInputException {
    return CsvReader.advance(opened);
  }

  /** Field {@code c} of the current row, as text. */
  public String text(int c) {
    Objects.checkIndex(c, header().size());
    return opened.csv.field(c);
  }

  /**
   * Field {@code c} of the current row as a finite number: a plain decimal read from its bytes,
   * else its text as {@link Double#parseDouble} reads it (exponents, surrounding blanks); NaN when
   * it is not a finite number, which the caller reports naming {@link #line} and {@link #row}.
   */
  public double number(int c) {
    Objects.checkIndex(c, header().size());
    double fast = opened.csv.decimal(c);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    try {
      double v = Double.parseDouble(text(c));
      return Double.isFinite(v) ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The 1-based line on which the current row starts. */
  public int line() {
    return opened.csv.line();
  }

  /** The 1-based data row number of the current row (the header is not a row). */
  public int row() {
    return opened.csv.row();
  }

  @Override
  public void close() throws IOException {
    opened.close();
  }
}
