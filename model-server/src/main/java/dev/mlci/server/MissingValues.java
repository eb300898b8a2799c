package dev.mlci.server;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a missing value is at serving time, so that every protocol and encoding agrees with
 * training: training reads a CSV cell as missing when, trimmed, it is one of the model's {@code
 * data.na_values} (default {@code ""} and {@code "NA"}, kept in {@code features.json}); a served
 * value is missing when it is JSON {@code null}, a NaN (JSON {@code NaN} as Python's {@code json}
 * writes it, or NaN in a binary floating-point tensor), or a string that is one of those values.
 * The model's policy then applies as in training: imputed (the training mean, the most frequent
 * level) under {@code missing: impute-mean}, else the request is refused with 400 naming the row
 * and column.
 */
final class MissingValues {
  /**
   * How numpy-based V2 clients (tritonclient, the kserve SDK) render {@code None} and {@code NaN}
   * in a BYTES tensor: {@code str(None)} and {@code str(float('nan'))}.
   */
  static final Set<String> NUMPY_MISSING = Set.of("None", "nan", "NaN");

  private MissingValues() {}

  /** Whether {@code value} (from a JSON body or a decoded tensor) is a missing value. */
  static boolean isMissing(FeatureSpec spec, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return true;
    }
    if (value.isNumber()) {
      return value.isFloatingPointNumber() && Double.isNaN(value.asDouble());
    }
    return value.isString() && spec.naValues().contains(value.asString().trim());
  }

  /**
   * Whether an element of a BYTES tensor for {@code column} is how a numpy client renders a missing
   * value. It is not when the column has a training level spelled that way: then it is that level.
   */
  static boolean isNumpyMissing(ColumnSpec column, JsonNode value) {
    return value.isString()
        && NUMPY_MISSING.contains(value.asString())
        && !column.levels().contains(value.asString());
  }
}
