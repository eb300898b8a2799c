package dev.mlci.core.train;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.Rows;
import dev.mlci.core.data.TribuoData;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.MutableFeatureMap;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * What a full-batch linear solver fits, and what its Tribuo model records: the dense design matrix
 * in the model's feature numbering, the feature and output domains, and the provenance of the
 * training data.
 *
 * <p>{@link #of(Dataset)} reads a Tribuo dataset. {@link #fromRows} builds the same (equal matrix,
 * domains and provenance; FitInputTest holds it) straight from the training rows' columns, without
 * a Tribuo example per row: the dataset's examples were a second copy of the rows, about 200 bytes
 * per cell, built and then copied once more into the matrix. The loader's columns are encoded a
 * column at a time, and the feature statistics kept per column ({@link FeatureObservations}), not
 * by a feature-map look-up per cell.
 *
 * @param <T> the output type
 */
record FitInput<T extends Output<T>>(
    DesignMatrix matrix,
    ImmutableFeatureMap features,
    ImmutableOutputInfo<T> outputs,
    DatasetProvenance provenance) {
  FitInput {
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(outputs, "outputs");
    Objects.requireNonNull(provenance, "provenance");
  }

  /** The matrix, domains and provenance of a Tribuo dataset. */
  static <T extends Output<T>> FitInput<T> of(Dataset<T> dataset) {
    return new FitInput<>(
        DesignMatrix.of(dataset),
        dataset.getFeatureIDMap(),
        dataset.getOutputIDInfo(),
        dataset.getProvenance());
  }

  /**
   * What {@code of(TribuoData.dataset(spec, rows, description))} gives, from the rows' columns.
   *
   * @param description recorded in the provenance (which files, which digests)
   */
  @SuppressWarnings("unchecked")
  static <T extends Output<T>> FitInput<T> fromRows(
      FeatureSpec spec, List<DataRow> rows, String description) {
    boolean classification = spec.target().isClassification();
    OutputFactory<T> factory =
        (OutputFactory<T>) (classification ? new LabelFactory() : new RegressionFactory());
    String[] names = spec.featureNames().toArray(String[]::new);
    int n = rows.size();
    int d = names.length;
    DesignMatrix.requireFits(n, d);

    // The domains, observed as MutableDataset.add observes them: every cell of every row in row
    // order (a feature's statistics depend only on its own cells, so the column order is free).
    // The features are added to the map in vector order, as the first row adds them.
    MutableFeatureMap featureMap = new MutableFeatureMap();
    FeatureObservations[] observed = new FeatureObservations[n > 0 ? d : 0];
    for (int j = 0; j < observed.length; j++) {
      observed[j] = new FeatureObservations(featureMap, names[j]);
    }
    double[] encoded = new double[(int) ((long) n * d)];
    String[] rowLabels = classification ? new String[n] : null;
    double[] rowTargets = classification ? null : new double[n];
    if (rows instanceof Rows columns) {
      // The loader's rows are columns: encode and observe a column at a time, no row vector.
      encodeColumns(spec, columns, encoded, d, observed);
      for (int i = 0; i < n; i++) {
        if (classification) {
          rowLabels[i] = columns.label(i);
        } else {
          rowTargets[i] = columns.target(i);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        DataRow row = rows.get(i);
        double[] v = spec.encode(row.numeric(), row.categorical());
        System.arraycopy(v, 0, encoded, i * d, d);
        for (int j = 0; j < d; j++) {
          observed[j].observe(v[j]);
        }
        if (classification) {
          rowLabels[i] = row.label();
        } else {
          rowTargets[i] = row.target();
        }
      }
    }
    for (FeatureObservations o : observed) {
      o.finish();
    }
    MutableOutputInfo<T> outputInfo = factory.generateInfo();
    Map<String, T> labels = new HashMap<>();
    String targetName = spec.target().name();
    for (int i = 0; i < n; i++) {
      T output =
          classification
              ? labels.computeIfAbsent(rowLabels[i], l -> (T) new Label(l))
              : (T) new Regressor(targetName, rowTargets[i]);
      outputInfo.observe(output);
    }
    ImmutableFeatureMap features = new ImmutableFeatureMap(featureMap);
    ImmutableOutputInfo<T> outputs = outputInfo.generateImmutableOutputInfo();

    // The encoded vector's order to the model's feature ids (Tribuo numbers features by name).
    int[] id = new int[d];
    boolean identity = true;
    for (int j = 0; j < d; j++) {
      id[j] = features.getID(names[j]);
      identity &= id[j] == j;
    }
    double[] values;
    if (identity) {
      values = encoded;
    } else {
      values = new double[encoded.length];
      for (int i = 0; i < n; i++) {
        int base = i * d;
        for (int j = 0; j < d; j++) {
          values[base + id[j]] = encoded[base + j];
        }
      }
    }
    int[] classes = null;
    double[] targets = null;
    if (classification) {
      Map<String, Integer> classId = new HashMap<>();
      for (Map.Entry<String, T> e : labels.entrySet()) {
        classId.put(e.getKey(), outputs.getID(e.getValue()));
      }
      classes = new int[n];
      for (int i = 0; i < n; i++) {
        classes[i] = classId.get(rowLabels[i]);
      }
    } else {
      targets = rowTargets;
    }
    return new FitInput<>(
        new DesignMatrix(values, n, d, classes, targets),
        features,
        outputs,
        provenance(factory, description, n, features.size(), outputs.size()));
  }

  /** Rows encoded per column at a time: their part of the matrix stays in cache meanwhile. */
  private static final int BLOCK = 2048;

  /**
   * Writes what {@link FeatureSpec#encode} gives for each row into {@code encoded} (row-major, in
   * vector order), a block of rows at a time and in it a column at a time, and observes each
   * feature's cells in row order.
   */
  private static void encodeColumns(
      FeatureSpec spec, Rows rows, double[] encoded, int d, FeatureObservations[] observed) {
    int n = rows.size();
    double[] column = new double[Math.min(n, BLOCK)];
    for (int from = 0; from < n; from += BLOCK) {
      int length = Math.min(BLOCK, n - from);
      int k = 0;
      for (int f = 0; f < spec.columns().size(); f++) {
        ColumnSpec c = spec.columns().get(f);
        if (c.kind() == ColumnSpec.Kind.NUMERIC) {
          rows.numericColumn(f, from, length, column);
          for (int i = 0; i < length; i++) {
            column[i] = spec.encodeNumeric(f, column[i]);
          }
          observed[k].observeAll(column, length);
          for (int i = 0, at = from * d + k; i < length; i++, at += d) {
            encoded[at] = column[i];
          }
          k++;
        } else {
          for (int i = from; i < from + length; i++) {
            int index = spec.levelIndex(f, rows.level(f, i));
            if (index >= 0) { // the row's one feature of this column that is 1; the others stay 0
              encoded[i * d + k + index] = 1.0;
              observed[k + index].observe(1.0);
            }
          }
          k += c.width();
        }
      }
    }
  }

  /**
   * The provenance a {@link MutableDataset} of {@code examples} dense examples would report: an
   * empty one's, with its counts.
   */
  private static <T extends Output<T>> DatasetProvenance provenance(
      OutputFactory<T> factory, String description, int examples, int features, int outputs) {
    MutableDataset<T> empty =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(description, TribuoData.FIXED_TIME, factory), factory);
    Map<String, Provenance> map = new LinkedHashMap<>();
    for (Pair<String, Provenance> p : empty.getProvenance()) {
      map.put(p.getA(), p.getB());
    }
    map.put("num-examples", new IntProvenance("num-examples", examples));
    map.put("num-features", new IntProvenance("num-features", features));
    map.put("num-outputs", new IntProvenance("num-outputs", outputs));
    // Every example holds every feature.
    map.put("is-dense", new BooleanProvenance("is-dense", examples > 0));
    return new DatasetProvenance(map);
  }
}
