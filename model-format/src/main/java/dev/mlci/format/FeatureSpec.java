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
        out[k++] = encodeNumeric(c, numeric[i]);
      } else {
        int index = levelIndex(c, categorical[i]);
        if (index >= 0) {
          out[k + index] = 1.0;
        }
        k += c.levels().size();
      }
    }
    return out;
  }

  /**
   * The feature numeric column {@code column} becomes for {@code x}, as {@link #encode} writes it:
   * a caller encoding a whole column at once (training) gets the same values.
   *
   * @param x the value, {@link Double#NaN} when missing
   * @throws IllegalArgumentException when the column is categorical, or when the value is missing
   *     and the spec does not impute
   */
  public double encodeNumeric(int column, double x) {
    ColumnSpec c = columns.get(column);
    if (c.kind() != ColumnSpec.Kind.NUMERIC) {
      throw new IllegalArgumentException("column '" + c.name() + "' is categorical");
    }
    return encodeNumeric(c, x);
  }

  /**
   * Which of categorical column {@code column}'s features {@link #encode} sets to 1 for {@code
   * level}: its index in the column's levels, -1 for an unseen level (none is set).
   *
   * @param level the level, null when missing
   * @throws IllegalArgumentException when the column is numeric, or when the level is missing and
   *     the spec does not impute
   */
  public int levelIndex(int column, String level) {
    ColumnSpec c = columns.get(column);
    if (c.kind() != ColumnSpec.Kind.CATEGORICAL) {
      throw new IllegalArgumentException("column '" + c.name() + "' is numeric");
    }
    return levelIndex(c, level);
  }

  private double encodeNumeric(ColumnSpec c, double x) {
    if (Double.isNaN(x)) {
      requireImputing(c);
      x = c.impute();
    }
    return (x - c.center()) / c.scale();
  }

  private int levelIndex(ColumnSpec c, String level) {
    if (level == null) {
      requireImputing(c);
      level = c.imputeLevel();
    }
    int index = Collections.binarySearch(c.levels(), level);
    return index >= 0 ? index : -1;
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
