package dev.mlci.server;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Puts request values into a {@link Batch}, checking each against its column's kind, that every
 * column is given, and that a request stays within the row limit. Immutable once built, so one
 * instance serves every request to a model.
 */
final class Cells {
  private final FeatureSpec spec;
  private final int maxRows;
  private final Map<String, Integer> index = new HashMap<>();

  Cells(FeatureSpec spec, int maxRows) {
    this.spec = spec;
    this.maxRows = maxRows;
    for (int c = 0; c < spec.columns().size(); c++) {
      index.put(spec.columns().get(c).name(), c);
    }
  }

  /** The most rows a request may hold ({@code MLCI_MAX_ROWS}). */
  int maxRows() {
    return maxRows;
  }

  /**
   * An empty batch of {@code rows} rows, checked against the row limit before anything is
   * allocated.
   */
  Batch batch(long rows) throws BadRequest {
    if (rows > maxRows) {
      throw new BadRequest(
          400,
          "the request holds "
              + rows
              + " rows; the limit is "
              + maxRows
              + " per request (MLCI_MAX_ROWS): split it into smaller requests");
    }
    return Batch.empty(spec, (int) rows);
  }

  /**
   * Checks that {@code given} (column indexes, in request order) names every column once.
   *
   * @param where what named them, for the message, e.g. "dataframe_split columns"
   */
  void requireAll(int[] given, String where) throws BadRequest {
    boolean[] seen = new boolean[width()];
    for (int c : given) {
      if (seen[c]) {
        throw new BadRequest(
            400, where + " name the column '" + spec.columns().get(c).name() + "' twice");
      }
      seen[c] = true;
    }
    List<String> missing = new ArrayList<>();
    for (int c = 0; c < seen.length; c++) {
      if (!seen[c]) {
        missing.add(spec.columns().get(c).name());
      }
    }
    if (!missing.isEmpty()) {
      throw new BadRequest(
          400,
          where
              + " lack the column(s) "
              + missing
              + "; send every column the model takes (null, or an empty CSV cell, for a missing"
              + " value)");
    }
  }

  /** The column index of {@code name}. */
  int column(String name) throws BadRequest {
    Integer c = index.get(name);
    if (c == null) {
      throw new BadRequest(
          400, "unknown column '" + BadRequest.cut(name) + "'; the model's columns are " + names());
    }
    return c;
  }

  boolean has(String name) {
    return index.containsKey(name);
  }

  String names() {
    return spec.columns().stream().map(ColumnSpec::name).toList().toString();
  }

  int width() {
    return spec.columns().size();
  }

  boolean numeric(int column) {
    return spec.columns().get(column).kind() == ColumnSpec.Kind.NUMERIC;
  }

  /**
   * Sets {@code batch[row][column]} from a JSON value: a number, a string (categorical) or a
   * missing value as {@link MissingValues#isMissing} defines it.
   */
  void set(Batch batch, int row, int column, JsonNode value) throws BadRequest {
    ColumnSpec col = spec.columns().get(column);
    if (MissingValues.isMissing(spec, value)) {
      return; // missing: the batch starts out missing everywhere
    }
    if (col.kind() == ColumnSpec.Kind.NUMERIC) {
      if (!value.isNumber()) {
        throw new BadRequest(
            400,
            "row "
                + row
                + ", column '"
                + col.name()
                + "': expected a number, got "
                + BadRequest.cut(value));
      }
      // A number beyond double's range (a 400-digit integer) is not finite either.
      double v = value.asDouble(Double.POSITIVE_INFINITY);
      if (!Double.isFinite(v)) {
        throw new BadRequest(
            400, "row " + row + ", column '" + col.name() + "': the value is not finite");
      }
      batch.numeric()[row][column] = v;
    } else {
      if (!value.isString() && !value.isNumber()) {
        throw new BadRequest(
            400,
            "row "
                + row
                + ", column '"
                + col.name()
                + "': expected a category (a string), got "
                + BadRequest.cut(value));
      }
      batch.categorical()[row][column] = level(col, value, row);
    }
  }

  /**
   * The level a JSON value names. A number names the level spelled as in the training data: a
   * client whose column is a float sends 2.0 for the level "2", and one whose column is an integer
   * sends 2 for the level "2.0".
   */
  private static String level(ColumnSpec col, JsonNode value, int row) throws BadRequest {
    String text = value.asString();
    if (!value.isNumber() || col.levels().contains(text)) {
      return text;
    }
    if (!Double.isFinite(value.asDouble(Double.POSITIVE_INFINITY))) {
      throw new BadRequest(
          400,
          "row "
              + row
              + ", column '"
              + col.name()
              + "': "
              + BadRequest.cut(text)
              + " is not a finite number, so it names no category; send the level as a string");
    }
    BigDecimal number = value.decimalValue();
    String plain = number.stripTrailingZeros().toPlainString();
    if (col.levels().contains(plain)) {
      return plain;
    }
    for (String level : col.levels()) {
      try {
        if (new BigDecimal(level).compareTo(number) == 0) {
          return level;
        }
      } catch (NumberFormatException notANumber) {
        // a level that is not a number cannot be what a number names
      }
    }
    return text;
  }

  /** Sets a cell from CSV text: empty means missing; numeric columns must parse. */
  void setText(Batch batch, int row, int column, String text) throws BadRequest {
    ColumnSpec col = spec.columns().get(column);
    String t = text.trim();
    if (t.isEmpty() || spec.naValues().contains(t)) {
      return;
    }
    if (col.kind() == ColumnSpec.Kind.NUMERIC) {
      try {
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v)) {
          throw new NumberFormatException();
        }
        batch.numeric()[row][column] = v;
      } catch (NumberFormatException e) {
        throw new BadRequest(
            400,
            "row "
                + row
                + ", column '"
                + col.name()
                + "': '"
                + BadRequest.cut(t)
                + "' is not a finite number");
      }
    } else {
      batch.categorical()[row][column] = t;
    }
  }
}
