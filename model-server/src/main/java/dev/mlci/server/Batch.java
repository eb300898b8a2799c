package dev.mlci.server;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Rows to score, column by column as the model's input columns: numbers ({@link Double#NaN} for a
 * missing one) and category levels ({@code null} for a missing one), however the request encoded
 * them.
 *
 * @param rows number of rows
 * @param numeric {@code numeric[row][column]}; NaN for categorical columns
 * @param categorical {@code categorical[row][column]}; null for numeric columns
 */
record Batch(int rows, double[][] numeric, String[][] categorical) {
  Batch {
    Objects.requireNonNull(numeric, "numeric");
    Objects.requireNonNull(categorical, "categorical");
    if (numeric.length != rows || categorical.length != rows) {
      throw new IllegalArgumentException("rows do not match: " + rows);
    }
  }

  /** An empty batch of {@code rows} rows for {@code spec}'s columns, every cell missing. */
  static Batch empty(FeatureSpec spec, int rows) {
    int k = spec.columns().size();
    double[][] numeric = new double[rows][k];
    for (double[] row : numeric) {
      Arrays.fill(row, Double.NaN);
    }
    return new Batch(rows, numeric, new String[rows][k]);
  }

  /**
   * Refuses a missing value when the model does not impute: the request must say every value.
   *
   * @throws BadRequest naming the row and column
   */
  void requireComplete(FeatureSpec spec) throws BadRequest {
    if (spec.imputeMissing()) {
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < spec.columns().size(); c++) {
        ColumnSpec col = spec.columns().get(c);
        boolean missing =
            col.kind() == ColumnSpec.Kind.NUMERIC
                ? Double.isNaN(numeric[r][c])
                : categorical[r][c] == null;
        if (missing) {
          throw new BadRequest(
              400,
              "row "
                  + r
                  + ", column '"
                  + col.name()
                  + "': the value is missing and this model does not impute"
                  + " missing values");
        }
      }
    }
  }
}
