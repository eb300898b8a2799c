package dev.mlci.core.errors;

import java.util.Objects;

/**
 * One thing wrong with the user's input, located as precisely as we can: where it comes from, the
 * line (and column, or the data row), the field, what is wrong, and what to do about it.
 *
 * <p>Made through the factories, which say what kind of place it is:
 *
 * <pre>{@code
 * Problem.at("ml.yaml", 12, 5, "model.params.epochs", "must be at least 1.", "set it to 1 or more.")
 * Problem.atLine("data/train.csv", 3, "", "the row has 4 fields, the header 5.", "...")
 * Problem.atRow("data/train.csv", 17, "age", "'abc' is not a number.", "...").onLine(18)
 * Problem.in("MLFLOW_TRACKING_URI", "", "the server does not answer.", Fix.of("start it, or {}", ...))
 * }</pre>
 *
 * @param source where the problem is, as the user knows it: a file (relative to the repository
 *     where possible), an option ({@code --alias}), a variable ({@code MLFLOW_TRACKING_URI}), or
 *     {@code git}
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param row 1-based data row (CSV files: the header is not a row), or 0 when not a data row
 * @param field the configuration key ({@code model.params.epochs}) or data column, or empty
 * @param message what is wrong, as a sentence
 * @param fix what to do about it, phrased per face, or {@link Fix#NONE}
 */
public record Problem(
    String source, int line, int column, int row, String field, String message, Fix fix) {

  public Problem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
    if (line < 0 || column < 0 || row < 0) {
      throw new IllegalArgumentException(
          "line, column and row must be >= 0, got " + line + ", " + column + ", " + row);
    }
    // Whatever a face prints of a problem, credentials in URLs never show (Fix redacts its own).
    source = Secrets.redact(source);
    message = Secrets.redact(message);
  }

  /**
   * The positional form this record had before its factories.
   *
   * @deprecated use {@link #at}, {@link #atLine}, {@link #atRow} or {@link #in}, which name the
   *     kind of place instead of passing zeros.
   */
  @Deprecated
  public Problem(
      String source, int line, int column, int row, String field, String message, String fix) {
    this(source, line, column, row, field, message, Fix.text(fix));
  }

  /** At {@code line} and {@code column} (0 when unknown) of a text file such as ml.yaml. */
  public static Problem at(
      String source, int line, int column, String field, String message, Fix fix) {
    return new Problem(source, line, column, 0, field, message, fix);
  }

  /** At {@code line} and {@code column} (0 when unknown) of a text file such as ml.yaml. */
  public static Problem at(
      String source, int line, int column, String field, String message, String fix) {
    return at(source, line, column, field, message, Fix.text(fix));
  }

  /** At {@code line} of a file, column unknown. */
  public static Problem atLine(String source, int line, String field, String message, Fix fix) {
    return at(source, line, 0, field, message, fix);
  }

  /** At {@code line} of a file, column unknown. */
  public static Problem atLine(String source, int line, String field, String message, String fix) {
    return atLine(source, line, field, message, Fix.text(fix));
  }

  /**
   * In data row {@code row} (1-based; a CSV header is not a row), at {@code column} (a data column
   * name, or empty); add the file's line with {@link #onLine}.
   */
  public static Problem atRow(String source, int row, String column, String message, Fix fix) {
    return new Problem(source, 0, 0, row, column, message, fix);
  }

  /**
   * In data row {@code row}, at {@code column}; see {@link #atRow(String, int, String, String,
   * Fix)}.
   */
  public static Problem atRow(String source, int row, String column, String message, String fix) {
    return atRow(source, row, column, message, Fix.text(fix));
  }

  /**
   * In {@code source} as a whole — a file, an option, a variable, {@code git} — with no line.
   * {@code field} is the key or column concerned, or empty.
   */
  public static Problem in(String source, String field, String message, Fix fix) {
    return new Problem(source, 0, 0, 0, field, message, fix);
  }

  /** In {@code source} as a whole; see {@link #in(String, String, String, Fix)}. */
  public static Problem in(String source, String field, String message, String fix) {
    return in(source, field, message, Fix.text(fix));
  }

  /**
   * A problem in a file as a whole (no line known).
   *
   * @deprecated use {@link #in(String, String, String, String)}: the source need not be a file.
   */
  @Deprecated
  public static Problem inFile(String file, String field, String message, String fix) {
    return in(file, field, message, fix);
  }

  /** This problem, located at {@code line} of its source too (a data row's line in its file). */
  public Problem onLine(int line) {
    return new Problem(source, line, column, row, field, message, fix);
  }

  /**
   * The source.
   *
   * @deprecated renamed {@link #source()}: it is not always a file.
   */
  @Deprecated
  public String file() {
    return source;
  }

  /** The fix in the CLI's terms. */
  public String fixText() {
    return fix.render(Suggestions.CLI);
  }

  /**
   * Renders as {@code source:line:column: field: message Fix: fix}, the shape compilers use, so
   * editors and CI logs link it to the place; the fix in the CLI's terms.
   */
  public String render() {
    return render(Suggestions.CLI);
  }

  /** As {@link #render()}, the fix in the terms of the face {@code suggestions} phrases for. */
  public String render(Suggestions suggestions) {
    StringBuilder sb = new StringBuilder(source);
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
      sb.append(" Fix: ").append(fix.render(suggestions));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
