package dev.mlci.core.train;

import java.util.Objects;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * The training examples as one dense matrix, the only input of the full-batch linear solvers
 * ({@link LogisticLbfgsTrainer}, {@link LeastSquaresTrainer}). This is the seam between how rows
 * are stored and how linear models are fitted: {@link #of} is the one place that reads the
 * examples.
 *
 * @param values row-major, {@code rows * columns}: row i, feature j at {@code i * columns + j},
 *     features numbered as in the dataset's feature map (the model's feature ids)
 * @param rows number of examples
 * @param columns number of features
 * @param classes per row, the output id of its class (classification), else null
 * @param targets per row, the target value (regression), else null
 */
record DesignMatrix(double[] values, int rows, int columns, int[] classes, double[] targets) {
  DesignMatrix {
    Objects.requireNonNull(values, "values");
    if ((long) rows * columns != values.length) {
      throw new IllegalArgumentException(
          rows + " x " + columns + " does not match " + values.length + " values");
    }
    if ((classes == null) == (targets == null)) {
      throw new IllegalArgumentException("exactly one of classes and targets");
    }
    int outputs = classes != null ? classes.length : targets.length;
    if (outputs != rows) {
      throw new IllegalArgumentException(outputs + " outputs for " + rows + " rows");
    }
  }

  /** Most cells of one design matrix: one Java array. */
  static final long MAX_CELLS = Integer.MAX_VALUE - 8;

  /** Throws {@link TooLargeException} when {@code rows x columns} values exceed one matrix. */
  static void requireFits(int rows, int columns) {
    if ((long) rows * columns > MAX_CELLS) {
      throw new TooLargeException(rows, columns);
    }
  }

  /** The training set does not fit one dense matrix. */
  static final class TooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooLargeException(int rows, int columns) {
      super(
          rows
              + " training rows x "
              + columns
              + " features = "
              + ((long) rows * columns)
              + " values, more than the "
              + MAX_CELLS
              + " one dense matrix holds");
    }
  }

  /**
   * The dense matrix of {@code dataset}'s examples in its feature numbering; classification for
   * {@link Label} outputs, regression (one dimension) for {@link Regressor}s.
   */
  static <T extends Output<T>> DesignMatrix of(Dataset<T> dataset) {
    ImmutableFeatureMap features = dataset.getFeatureIDMap();
    ImmutableOutputInfo<T> outputs = dataset.getOutputIDInfo();
    int rows = dataset.size();
    int columns = features.size();
    requireFits(rows, columns);
    double[] values = new double[rows * columns];
    boolean classification = outputs.getDomain().stream().allMatch(o -> o instanceof Label);
    int[] classes = classification ? new int[rows] : null;
    double[] targets = classification ? null : new double[rows];
    int i = 0;
    for (Example<T> example : dataset) {
      int base = i * columns;
      for (Feature f : example) {
        int id = features.getID(f.getName());
        if (id >= 0) {
          values[base + id] = f.getValue();
        }
      }
      T out = example.getOutput();
      if (classification) {
        classes[i] = outputs.getID(out);
      } else {
        double[] v = ((Regressor) out).getValues();
        if (v.length != 1) {
          throw new IllegalArgumentException(
              "least squares fits one target; got " + v.length + " dimensions");
        }
        targets[i] = v[0];
      }
      i++;
    }
    return new DesignMatrix(values, rows, columns, classes, targets);
  }
}
