package dev.mlci.server;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Puts request values into a {@link Batch}, checking each against its column's kind. */
final class Cells {
  private final FeatureSpec spec;
  private final Map<String, Integer> index = new HashMap<>();

  Cells(FeatureSpec spec) {
    this.spec = spec;
    for (int c = 0; c < spec.columns().size(); c++) {
      index.put(spec.columns().get(c).name(), c);
    }
  }

  /** The column index of {@code name}. */
  int column(String name) throws BadRequest {
    Integer c = index.get(name);
    if (c == null) {
      throw new BadRequest(
          400, "unknown column '" + name + "'; the model's columns are " + names());
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
   * Sets {@code batch[row][column]} from a JSON value: a number, a string (categorical) or null
   * (missing).
   */
  void set(Batch batch, int row, int column, JsonNode value) throws BadRequest {
    ColumnSpec col = spec.columns().get(column);
    if (value == null || value.isNull()) {
      return; // missing: the batch starts out missing everywhere
    }
    if (col.kind() == ColumnSpec.Kind.NUMERIC) {
      if (!value.isNumber()) {
        throw new BadRequest(
            400, "row " + row + ", column '" + col.name() + "': expected a number, got " + value);
      }
      double v = value.asDouble();
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
                + value);
      }
      batch.categorical()[row][column] = value.asString(); // a number as a level reads as its text
    }
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
            "row " + row + ", column '" + col.name() + "': '" + t + "' is not a finite number");
      }
    } else {
      batch.categorical()[row][column] = t;
    }
  }
}
