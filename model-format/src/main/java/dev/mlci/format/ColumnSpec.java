package dev.mlci.format;

import java.util.List;
import java.util.Objects;

/**
 * One input column of a model and how it becomes features.
 *
 * <p>A numeric column becomes one feature named like the column: {@code (x - center) / scale},
 * where center and scale are the training mean and standard deviation when standardising and 0 and
 * 1 otherwise; a missing value becomes {@code impute}. A categorical column becomes one 0/1 feature
 * per training level, named {@code column=level}; an unseen level sets none of them; a missing
 * value becomes the level {@code imputeLevel}.
 *
 * @param name column name in the data
 * @param kind numeric or categorical
 * @param center subtracted before scaling: the training mean when standardising, else 0
 * @param scale divides after centring: the training standard deviation when standardising (1 when
 *     it is 0), else 1
 * @param impute value for a missing numeric cell (the training mean)
 * @param levels training levels in sorted order (categorical), else empty
 * @param imputeLevel level for a missing categorical cell (the most frequent training level), else
 *     empty
 */
public record ColumnSpec(
    String name,
    Kind kind,
    double center,
    double scale,
    double impute,
    List<String> levels,
    String imputeLevel) {

  /** How a column is read. */
  public enum Kind {
    NUMERIC,
    CATEGORICAL
  }

  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    levels = List.copyOf(levels);
    Objects.requireNonNull(imputeLevel, "imputeLevel");
    if (!(scale > 0)
        || !Double.isFinite(scale)
        || !Double.isFinite(center)
        || !Double.isFinite(impute)) {
      throw new IllegalArgumentException(
          "column "
              + name
              + ": center, impute must be finite and scale > 0, got "
              + center
              + ", "
              + impute
              + ", "
              + scale);
    }
    if (kind == Kind.CATEGORICAL && levels.isEmpty()) {
      throw new IllegalArgumentException("categorical column " + name + " has no levels");
    }
  }

  public static ColumnSpec numeric(String name, double center, double scale, double impute) {
    return new ColumnSpec(name, Kind.NUMERIC, center, scale, impute, List.of(), "");
  }

  public static ColumnSpec categorical(String name, List<String> levels, String imputeLevel) {
    return new ColumnSpec(name, Kind.CATEGORICAL, 0, 1, 0, levels, imputeLevel);
  }

  /** How many features this column becomes. */
  public int width() {
    return kind == Kind.NUMERIC ? 1 : levels.size();
  }
}
