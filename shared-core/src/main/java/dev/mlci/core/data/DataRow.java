package dev.mlci.core.data;

import java.util.Objects;

/**
 * One example as read from a data file, before encoding.
 *
 * @param id the value of the id column, or {@code h:<16 hex>} from a hash of the row's content
 *     (with {@code #2}, {@code #3}... appended to repeated identical rows)
 * @param file the file it came from, for messages
 * @param row 1-based data row in that file (the header is not a row)
 * @param line 1-based line the row starts on
 * @param label classification: the class, else null
 * @param target regression: the value, else NaN
 * @param numeric per feature column, the number ({@link Double#NaN} when missing or categorical)
 * @param categorical per feature column, the level ({@code null} when missing or numeric)
 */
public record DataRow(
    String id,
    String file,
    int row,
    int line,
    String label,
    double target,
    double[] numeric,
    String[] categorical) {
  public DataRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(numeric, "numeric");
    Objects.requireNonNull(categorical, "categorical");
  }
}
