package dev.mlci.core.data;

import dev.mlci.core.errors.MlciException;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The rows of one data file (a CSV, or a Parquet file or folder of part files) as they stream past,
 * one row at a time, for {@link RowParser}.
 */
interface RowSource extends Closeable {
  /** The file (or folder) as named in messages and in the run's data files. */
  String display();

  /** The file the current row is in: {@link #display()}, or a part file of a Parquet folder. */
  String rowDisplay();

  /** The column names, unique. */
  List<String> header();

  /** Moves to the next row; false at the end. */
  boolean next() throws IOException, MlciException;

  /**
   * Moves to the next row, perhaps reading its cells only as far as column {@code c}: then {@link
   * #finishRow} reads the rest (and checks the row), or {@link #skipRest} passes over it, for a
   * file whose rows were checked before. By default, {@link #next}.
   */
  default boolean nextUpTo(int c) throws IOException, MlciException {
    return next();
  }

  /** Reads the cells {@link #nextUpTo} left and checks the row. */
  default void finishRow() throws IOException, MlciException {}

  /** Passes over the cells {@link #nextUpTo} left, unread and unchecked. */
  default void skipRest() throws IOException, MlciException {}

  /** The 1-based data row of the current row in {@link #rowDisplay()}. */
  int row();

  /** The 1-based line the current row starts on, or 0 when the file has no lines (Parquet). */
  int line();

  /** The cell of column {@code c} as text (numbers of a typed column written out), null if null. */
  String text(int c);

  /** Whether column {@code c} holds numbers natively (a Parquet number or boolean column). */
  boolean typed(int c);

  /** The number in typed column {@code c} (see {@link #isNull}). */
  double number(int c);

  /**
   * The cell of column {@code c} as a number when it is a plain decimal of finite value that a
   * source can read without making a String (a CSV's unblanked numbers); else NaN, and the caller
   * reads {@link #text}.
   */
  default double decimal(int c) {
    return Double.NaN;
  }

  /** Whether the cell of column {@code c} is null (a Parquet null; a CSV cell never is). */
  default boolean isNull(int c) {
    return text(c) == null;
  }

  /**
   * Reads only the columns marked (the others may be skipped undecoded); before the first {@link
   * #next}.
   */
  default void use(boolean[] columns) throws MlciException {}

  /** The rows the source holds, or at most; -1 when not known before reading (compressed CSV). */
  long rowsAtMost();

  /** Bytes of the file(s) on disk. */
  long fileBytes();

  /** Progress so far as a fraction of the whole, in [0, 1], or -1 when unknown. */
  double fractionRead();

  /** SHA-256 of the file's bytes (a folder: of its part files' names and digests); at the end. */
  String sha256() throws IOException;
}
