package dev.mlci.core.data;

import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a {@link FeatureSpec} from the training rows: means, standard deviations, category levels.
 */
public final class SpecFitter {
  private SpecFitter() {}

  /**
   * Fits the spec.
   *
   * @param standardize whether numeric features are scaled to mean 0 and standard deviation 1
   */
  public static FeatureSpec fit(MlConfig config, LoadedData data, boolean standardize)
      throws BadInputException {
    List<ColumnSpec> columns = new ArrayList<>();
    List<DataRow> train = data.train();
    for (int f = 0; f < data.features().size(); f++) {
      String name = data.features().get(f);
      if (data.categorical().get(f)) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < train.size(); i++) {
          String level = level(train, f, i);
          if (level != null) {
            counts.merge(level, 1, Integer::sum);
          }
        }
        if (counts.isEmpty()) {
          throw allMissing(data, name);
        }
        // The most frequent level; among equally frequent ones, the first in sorted order.
        String mode = null;
        int best = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
          if (e.getValue() > best) {
            best = e.getValue();
            mode = e.getKey();
          }
        }
        columns.add(ColumnSpec.categorical(name, new ArrayList<>(counts.keySet()), mode));
      } else {
        // Two passes (mean, then squared deviations) for accuracy on data far from zero.
        double sum = 0;
        int n = 0;
        for (int i = 0; i < train.size(); i++) {
          double x = numeric(train, f, i);
          if (!Double.isNaN(x)) {
            sum += x;
            n++;
          }
        }
        if (n == 0) {
          throw allMissing(data, name);
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < train.size(); i++) {
          double x = numeric(train, f, i);
          if (!Double.isNaN(x)) {
            squares += (x - mean) * (x - mean);
          }
        }
        double std = Math.sqrt(squares / n);
        if (!Double.isFinite(mean) || !Double.isFinite(std)) {
          throw new BadInputException(
              Problem.in(
                  data.train().get(0).file(),
                  name,
                  "the values are too large to average (the mean or spread overflows 64-bit floating point).",
                  "rescale the column (e.g. other units, or logarithms)."));
        }
        columns.add(
            standardize
                ? ColumnSpec.numeric(name, mean, std > 0 ? std : 1.0, mean)
                : ColumnSpec.numeric(name, 0.0, 1.0, mean));
      }
    }
    FeatureSpec spec =
        new FeatureSpec(
            columns,
            data.target(),
            config.data().naValues(),
            config.data().missing() == MissingPolicy.IMPUTE_MEAN);
    requireUniqueFeatureNames(spec, data);
    return spec;
  }

  /**
   * Cell {@code f} of row {@code i}: read from the loader's columns (a {@link Rows} view), not by
   * making the row's {@link DataRow} (a copy of all its cells) once per column and pass.
   */
  private static double numeric(List<DataRow> rows, int f, int i) {
    return rows instanceof Rows r ? r.numeric(f, i) : rows.get(i).numeric()[f];
  }

  private static String level(List<DataRow> rows, int f, int i) {
    return rows instanceof Rows r ? r.level(f, i) : rows.get(i).categorical()[f];
  }

  /**
   * A categorical level must not encode to the name of another column ({@code color=red} twice).
   */
  private static void requireUniqueFeatureNames(FeatureSpec spec, LoadedData data)
      throws BadInputException {
    Set<String> seen = new HashSet<>();
    for (String name : spec.featureNames()) {
      if (!seen.add(name)) {
        throw new BadInputException(
            Problem.in(
                data.train().get(0).file(),
                name,
                "two features get the name '"
                    + name
                    + "': a column of that name and a categorical level that"
                    + " encodes to it.",
                "rename the column."));
      }
    }
  }

  private static BadInputException allMissing(LoadedData data, String column) {
    return new BadInputException(
        Problem.in(
            data.train().get(0).file(),
            column,
            "every training value of this column is missing, so there is nothing to impute from.",
            "fill in values, or remove the column from data.features."));
  }
}
