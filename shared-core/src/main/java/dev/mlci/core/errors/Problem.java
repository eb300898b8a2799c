package dev.mlci.core.errors;

import java.util.Objects;

/**
 * One thing wrong with the user's input, located as precisely as we can: the file, the line (and
 * column, or the data row), the field, what is wrong, and what to do about it.
 *
 * @param file the file as the user knows it (relative to the repository where possible)
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param row 1-based data row (CSV files: the header is not a row), or 0 when not a data row
 * @param field the configuration key ({@code model.params.epochs}) or data column, or empty
 * @param message what is wrong, as a sentence
 * @param fix what to do about it, as a sentence, or empty
 */
public record Problem(
    String file, int line, int column, int row, String field, String message, String fix) {

  public Problem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
    if (line < 0 || column < 0 || row < 0) {
      throw new IllegalArgumentException(
          "line, column and row must be >= 0, got " + line + ", " + column + ", " + row);
    }
    // Whatever a face prints of a problem, credentials in URLs never show.
    file = Secrets.redact(file);
    message = Secrets.redact(message);
    fix = Secrets.redact(fix);
  }

  /** A problem in a file as a whole (no line known). */
  public static Problem inFile(String file, String field, String message, String fix) {
    return new Problem(file, 0, 0, 0, field, message, fix);
  }

  /**
   * Renders as {@code file:line:column: field: message Fix: fix}, the shape compilers use, so
   * editors and CI logs link it to the place.
   */
  public String render() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (row > 0) {
      sb.append("row ").append(row);
      sb.append(field.isEmpty() ? ": " : ", ");
    }
    if (!field.isEmpty()) {
      sb.append(row > 0 ? "column '" + field + "'" : field).append(": ");
    }
    sb.append(message);
    if (!fix.isEmpty()) {
      sb.append(" Fix: ").append(fix);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
