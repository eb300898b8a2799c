package dev.mlci.core.data;

import dev.mlci.format.FeatureSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Converts encoded rows into Tribuo examples and datasets. */
public final class TribuoData {
  /**
   * The time written into every provenance mlci creates: the Unix epoch, so that the same inputs
   * give the same bytes. The real times of a run are in its {@code run.json}.
   */
  public static final OffsetDateTime FIXED_TIME =
      OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

  private TribuoData() {}

  /** A Tribuo example for one row, with features named as in {@link FeatureSpec#featureNames()}. */
  public static <T extends Output<T>> Example<T> example(
      FeatureSpec spec, String[] names, DataRow row, T output) {
    double[] values = spec.encode(row.numeric(), row.categorical());
    return new ArrayExample<>(output, names, values);
  }

  /** The training output of a classification row. */
  static Label label(DataRow row) {
    return new Label(row.label());
  }

  /** The training output of a regression row: one dimension named after the target. */
  static Regressor regressor(String target, DataRow row) {
    return new Regressor(target, row.target());
  }

  /**
   * The training dataset.
   *
   * @param description recorded in the model's provenance (which files, which digests)
   */
  @SuppressWarnings("unchecked")
  public static <T extends Output<T>> MutableDataset<T> dataset(
      FeatureSpec spec, List<DataRow> rows, String description) {
    String[] names = spec.featureNames().toArray(String[]::new);
    boolean classification = spec.target().isClassification();
    OutputFactory<T> factory =
        (OutputFactory<T>) (classification ? new LabelFactory() : new RegressionFactory());
    MutableDataset<T> dataset =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(description, FIXED_TIME, factory), factory);
    for (DataRow row : rows) {
      T output = (T) (classification ? label(row) : regressor(spec.target().name(), row));
      dataset.add(example(spec, names, row, output));
    }
    return dataset;
  }
}
