package dev.mlci.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How a model's input columns become the feature vector it was trained on. Saved with every model
 * as {@code features.json}; training, evaluation and the model server all encode through this one
 * type, so a row is encoded the same way everywhere.
 *
 * <p>This type depends on nothing but the JDK: the model server carries it without any training
 * code.
 *
 * @param columns input columns in input order
 * @param target what the model predicts
 * @param naValues cell values that mean "missing"
 * @param imputeMissing whether missing cells are imputed (else they are refused)
 */
public record FeatureSpec(
    List<ColumnSpec> columns, TargetSpec target, List<String> naValues, boolean imputeMissing) {

  /** Version of the {@code features.json} format. */
  public static final String SCHEMA = "mlci.features/v1";

  public FeatureSpec {
    columns = List.copyOf(columns);
    Objects.requireNonNull(target, "target");
    naValues = List.copyOf(naValues);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one input column");
    }
  }

  /** The names of the encoded features, in vector order. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>();
    for (ColumnSpec c : columns) {
      if (c.kind() == ColumnSpec.Kind.NUMERIC) {
        names.add(c.name());
      } else {
        for (String level : c.levels()) {
          names.add(c.name() + "=" + level);
        }
      }
    }
    return Collections.unmodifiableList(names);
  }

  /** Length of the encoded vector. */
  public int width() {
    int width = 0;
    for (ColumnSpec c : columns) { // a loop, not a stream: encode() asks once per row
      width += c.width();
    }
    return width;
  }

  /**
   * Encodes one row.
   *
   * @param numeric per column, the numeric value ({@link Double#NaN} for a missing one; ignored for
   *     categorical)
   * @param categorical per column, the level ({@code null} for a missing one; ignored for numeric)
   * @return the feature vector, {@link #width()} long
   * @throws IllegalArgumentException when a value is missing and the spec does not impute
   */
  public double[] encode(double[] numeric, String[] categorical) {
    if (numeric.length != columns.size() || categorical.length != columns.size()) {
      throw new IllegalArgumentException(
          "expected "
              + columns.size()
              + " values, got "
              + numeric.length
              + " and "
              + categorical.length);
    }
    double[] out = new double[width()];
    int k = 0;
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      if (c.kind() == ColumnSpec.Kind.NUMERIC) {
        double x = numeric[i];
        if (Double.isNaN(x)) {
          requireImputing(c);
          x = c.impute();
        }
        out[k++] = (x - c.center()) / c.scale();
      } else {
        String level = categorical[i];
        if (level == null) {
          requireImputing(c);
          level = c.imputeLevel();
        }
        int index = Collections.binarySearch(c.levels(), level);
        if (index >= 0) {
          out[k + index] = 1.0;
        }
        k += c.levels().size();
      }
    }
    return out;
  }

  private void requireImputing(ColumnSpec c) {
    if (!imputeMissing) {
      throw new IllegalArgumentException("column '" + c.name() + "' has a missing value");
    }
  }

  /** Whether {@code level} is known to categorical column {@code index}. */
  public boolean knowsLevel(int index, String level) {
    return Collections.binarySearch(columns.get(index).levels(), level) >= 0;
  }
}
