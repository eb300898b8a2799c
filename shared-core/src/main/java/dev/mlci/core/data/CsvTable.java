package dev.mlci.core.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CSV file as read: its header and its rows of raw cells, each row with the line it starts on, so
 * any later problem can name row and line.
 *
 * @param display the file name for messages (relative to the repository)
 * @param sha256 SHA-256 of the file's bytes
 * @param header column names, trimmed, unique
 * @param rows the data rows; each has exactly {@code header.size()} cells
 * @param lines for each row, the 1-based line it starts on
 */
public record CsvTable(
    String display, String sha256, List<String> header, List<String[]> rows, int[] lines) {
  public CsvTable {
    Objects.requireNonNull(display, "display");
    Objects.requireNonNull(sha256, "sha256");
    header = List.copyOf(header);
    rows = List.copyOf(rows);
    if (lines.length != rows.size()) {
      throw new IllegalArgumentException(
          "lines (" + lines.length + ") and rows (" + rows.size() + ") differ");
    }
  }

  /** The index of {@code column}, if the table has it. */
  public Optional<Integer> indexOf(String column) {
    int i = header.indexOf(column);
    return i < 0 ? Optional.empty() : Optional.of(i);
  }

  /** The 1-based line on which data row {@code index} (0-based) starts. */
  public int lineOf(int index) {
    return lines[index];
  }
}
