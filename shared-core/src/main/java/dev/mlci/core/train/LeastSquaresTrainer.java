package dev.mlci.core.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;

/**
 * Linear regression solved exactly: the minimiser of
 *
 * <pre>
 *   sum over examples of (y - w.x - b)^2  +  alpha * ||w||^2
 * </pre>
 *
 * scikit-learn's {@code LinearRegression} when {@code alpha} is 0 and {@code Ridge(alpha)}
 * otherwise (the intercept b is not penalised). It centres the features and the target, solves the
 * normal equations {@code (Xc'Xc + alpha I) w = Xc'yc} through the eigendecomposition of the
 * symmetric matrix (Tribuo's), and sets {@code b = mean(y) - mean(x).w}. Directions whose
 * eigenvalue is below {@code 1e-10} of the largest (collinear features, such as all the one-hot
 * columns of a category) are left out, which gives the minimum-norm solution as least-squares
 * solvers do; predictions do not depend on that choice. Deterministic: sums run over fixed blocks
 * of rows in a fixed order.
 */
public final class LeastSquaresTrainer extends FullBatchTrainer<Regressor> {
  /** Relative eigenvalue below which a direction counts as collinear. */
  static final double RANK_CUTOFF = 1e-10;

  @Config(description = "L2 regularisation strength (scikit-learn's Ridge alpha); 0 = ordinary.")
  private double alpha = 0;

  /** For OLCUT's configuration system. */
  private LeastSquaresTrainer() {}

  LeastSquaresTrainer(double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
    }
    this.alpha = alpha;
  }

  @Override
  Class<?> modelClass() {
    return org.tribuo.regression.sgd.linear.LinearSGDModel.class;
  }

  @Override
  Model<Regressor> fit(
      FitInput<Regressor> examples,
      Map<String, Provenance> instance,
      Function<Map<String, Provenance>, ModelProvenance> provenance) {
    ImmutableOutputInfo<Regressor> outputs = examples.outputs();
    if (outputs.size() != 1) {
      throw new IllegalArgumentException(
          "least squares fits one target; the data has " + outputs.size() + " dimensions");
    }
    String dimension = outputs.getDomain().iterator().next().getNames()[0];
    Solution s = solve(examples.matrix());
    instance.put("solver", new StringProvenance("solver", "normal-equations-eigen"));
    instance.put("rank", new IntProvenance("rank", s.rank));
    return LinearModels.regressor(
        "linear-regression",
        provenance.apply(instance),
        examples.features(),
        outputs,
        new double[][] {s.weights},
        new String[] {dimension});
  }

  /**
   * The weights (bias last) and the rank of the centred design.
   *
   * @param weights [features + 1]
   * @param rank directions kept
   */
  record Solution(double[] weights, int rank) {}

  Solution solve(DesignMatrix x) {
    int n = x.rows();
    int d = x.columns();
    double[] v = x.values();
    double[] y = x.targets();
    int blocks = (n + LogisticLbfgsTrainer.BLOCK - 1) / LogisticLbfgsTrainer.BLOCK;
    // Means, then the centred cross products, each summed per block and then in block order.
    double[][] sums = new double[blocks][];
    IntStream.range(0, blocks)
        .parallel()
        .forEach(
            b -> {
              double[] s = new double[d + 1];
              for (int i = from(b); i < to(b, n); i++) {
                for (int j = 0; j < d; j++) {
                  s[j] += v[i * d + j];
                }
                s[d] += y[i];
              }
              sums[b] = s;
            });
    double[] mean = new double[d + 1];
    for (double[] s : sums) {
      for (int j = 0; j <= d; j++) {
        mean[j] += s[j];
      }
    }
    for (int j = 0; j <= d; j++) {
      mean[j] /= Math.max(1, n);
    }
    double[][] products = new double[blocks][];
    IntStream.range(0, blocks)
        .parallel()
        .forEach(
            b -> {
              // Upper triangle of Xc'Xc, row-major [d][d], then Xc'yc.
              double[] s = new double[d * d + d];
              double[] row = new double[d];
              for (int i = from(b); i < to(b, n); i++) {
                for (int j = 0; j < d; j++) {
                  row[j] = v[i * d + j] - mean[j];
                }
                double t = y[i] - mean[d];
                for (int j = 0; j < d; j++) {
                  double r = row[j];
                  int base = j * d;
                  for (int l = j; l < d; l++) {
                    s[base + l] += r * row[l];
                  }
                  s[d * d + j] += r * t;
                }
              }
              products[b] = s;
            });
    double[][] gram = new double[d][d];
    double[] rhs = new double[d];
    for (double[] s : products) {
      for (int j = 0; j < d; j++) {
        for (int l = j; l < d; l++) {
          gram[j][l] += s[j * d + l];
        }
        rhs[j] += s[d * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      for (int l = 0; l < j; l++) {
        gram[j][l] = gram[l][j];
      }
      gram[j][j] += alpha;
    }
    double[] w = new double[d];
    int rank = 0;
    if (d > 0) {
      DenseMatrix.EigenDecomposition eigen =
          DenseMatrix.createDenseMatrix(gram)
              .eigenDecomposition()
              .orElseThrow(() -> new IllegalStateException("the Gram matrix is not symmetric"));
      double[] values = eigen.eigenvalues().toArray();
      double largest = 0;
      for (double e : values) {
        largest = Math.max(largest, e);
      }
      DenseMatrix vectors = eigen.eigenvectors();
      for (int e = 0; e < values.length; e++) {
        if (!(values[e] > RANK_CUTOFF * largest)) {
          continue;
        }
        rank++;
        double proj = 0;
        for (int j = 0; j < d; j++) {
          proj += vectors.get(j, e) * rhs[j];
        }
        double coef = proj / values[e];
        for (int j = 0; j < d; j++) {
          w[j] += coef * vectors.get(j, e);
        }
      }
    }
    double[] weights = new double[d + 1];
    System.arraycopy(w, 0, weights, 0, d);
    double intercept = mean[d];
    for (int j = 0; j < d; j++) {
      intercept -= mean[j] * w[j];
    }
    weights[d] = intercept;
    return new Solution(weights, rank);
  }

  private static int from(int block) {
    return block * LogisticLbfgsTrainer.BLOCK;
  }

  private static int to(int block, int n) {
    return Math.min(n, (block + 1) * LogisticLbfgsTrainer.BLOCK);
  }

  @Override
  public String toString() {
    return "LeastSquaresTrainer(alpha=" + alpha + ")";
  }
}
