package dev.mlci.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * The full-batch solvers reach scikit-learn's solutions. The expected numbers were computed with
 * scikit-learn 1.7.2 (numpy 2.4.6) on the 12 rows below: {@code LogisticRegression(C=...,
 * tol=1e-12, max_iter=100000)} (lbfgs; its optimum to 12 digits), {@code LinearRegression()} and
 * {@code Ridge(alpha=2.0)}. Tolerances: 1e-6 on logistic coefficients (mlci's tol=1e-10 here; both
 * solvers stop near, not at, the optimum), 1e-9 on least squares (a direct solve).
 */
class LinearSolversTest {
  private static final double[][] X = {
    {0.5, 1.2}, {-1.0, 0.3}, {1.5, -0.7}, {0.2, 0.2}, {-0.3, -1.1}, {2.0, 0.9},
    {-1.4, 1.6}, {0.9, -0.2}, {-0.8, -0.5}, {1.1, 1.3}, {0.0, -1.5}, {-1.9, 0.4}
  };
  private static final int[] BINARY = {1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0};
  private static final int[] THREE = {0, 1, 2, 0, 1, 2, 1, 2, 0, 2, 0, 1};
  private static final double[] Y = {
    1.0, -0.5, 2.2, 0.3, -1.1, 3.0, -0.9, 1.4, -0.2, 2.5, -1.3, -1.6
  };
  private static final String[] NAMES = {"a", "b"};

  private static MutableDataset<Label> classes(int[] y) {
    MutableDataset<Label> d =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("test", new LabelFactory()), new LabelFactory());
    for (int i = 0; i < X.length; i++) {
      d.add(new ArrayExample<>(new Label("c" + y[i]), NAMES, X[i]));
    }
    return d;
  }

  private static MutableDataset<Regressor> targets(double[][] x, String[] names) {
    MutableDataset<Regressor> d =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("test", new RegressionFactory()),
            new RegressionFactory());
    for (int i = 0; i < x.length; i++) {
      d.add(new ArrayExample<>(new Regressor("y", Y[i]), names, x[i]));
    }
    return d;
  }

  /** Row {@code label}'s weights of {@code model}, in the order a, b, bias. */
  private static double[] row(Model<Label> model, String label) {
    DenseMatrix w = ((AbstractLinearSGDModel<Label>) model).getWeightsCopy();
    int r = model.getOutputIDInfo().getID(new Label(label));
    int a = model.getFeatureIDMap().getID("a");
    int b = model.getFeatureIDMap().getID("b");
    return new double[] {w.get(r, a), w.get(r, b), w.get(r, w.getDimension2Size() - 1)};
  }

  private static double proba(Model<Label> model, int row, String label) {
    Prediction<Label> p =
        model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, NAMES, X[row]));
    return p.getOutputScores().get(label).getScore();
  }

  @Test
  void binaryLogistic_reachesScikitLearnsCoefficients() {
    Model<Label> m = new LogisticLbfgsTrainer(1.0, 1000, 1e-10).train(classes(BINARY));
    // Softmax rows -w/2 and +w/2: their difference is scikit-learn's single w.
    double[] pos = row(m, "c1");
    double[] neg = row(m, "c0");
    assertThat(pos[0] - neg[0]).isCloseTo(1.161900236051, within(1e-6));
    assertThat(pos[1] - neg[1]).isCloseTo(0.331803871479, within(1e-6));
    assertThat(pos[2] - neg[2]).isCloseTo(-0.096439779204, within(1e-6));
    assertThat(proba(m, 0, "c1")).isCloseTo(0.707376236786, within(1e-7));
    assertThat(proba(m, 1, "c1")).isCloseTo(0.238885608185, within(1e-7));
  }

  @Test
  void binaryLogistic_regularisationFollowsC() {
    Model<Label> m = new LogisticLbfgsTrainer(0.1, 1000, 1e-10).train(classes(BINARY));
    double[] pos = row(m, "c1");
    double[] neg = row(m, "c0");
    assertThat(pos[0] - neg[0]).isCloseTo(0.346615464364, within(1e-6));
    assertThat(pos[1] - neg[1]).isCloseTo(0.083542279738, within(1e-6));
    assertThat(pos[2] - neg[2]).isCloseTo(-0.035404178713, within(1e-6));
  }

  @Test
  void multinomialLogistic_reachesScikitLearnsCoefficients() {
    Model<Label> m = new LogisticLbfgsTrainer(1.0, 1000, 1e-10).train(classes(THREE));
    double[][] expected = {
      {-0.120992108111, -0.155741381474, 0.417908576264},
      {-1.143415308037, 0.095753618517, -0.037335411494},
      {1.264407416148, 0.059987762957, -0.38057316477}
    };
    for (int k = 0; k < 3; k++) {
      double[] r = row(m, "c" + k);
      for (int j = 0; j < 3; j++) {
        assertThat(r[j]).as("class %d, parameter %d", k, j).isCloseTo(expected[k][j], within(1e-6));
      }
    }
    assertThat(proba(m, 0, "c0")).isCloseTo(0.373150904846, within(1e-7));
    assertThat(proba(m, 1, "c1")).isCloseTo(0.629292073683, within(1e-7));
  }

  @Test
  void logistic_reportsConvergenceInTheProvenance() {
    Model<Label> m = new LogisticLbfgsTrainer(1.0, 1000, 1e-8).train(classes(THREE));
    Map<String, ? extends Provenance> p = m.getProvenance().getInstanceProvenance().getMap();
    assertThat(((BooleanProvenance) p.get("converged")).getValue()).isTrue();
    assertThat(((IntProvenance) p.get("iterations")).getValue()).isBetween(1, 1000);
    assertThat(p.get("gradient-max-abs").toString()).isNotEmpty();
    assertThat(LogisticLbfgsTrainer.notConverged(m)).isEmpty();

    Model<Label> stopped = new LogisticLbfgsTrainer(1.0, 2, 1e-12).train(classes(THREE));
    assertThat(LogisticLbfgsTrainer.notConverged(stopped))
        .hasValueSatisfying(s -> assertThat(s).contains("max_iter (2 iterations)"));
  }

  @Test
  void logistic_isDeterministic() throws Exception {
    // Enough rows for several blocks, so the parallel sums are exercised.
    MutableDataset<Label> d =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("t", new LabelFactory()), new LabelFactory());
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < 3 * LogisticLbfgsTrainer.BLOCK + 17; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian();
      String y = a + 0.5 * b + r.nextGaussian() > 0 ? "yes" : "no";
      d.add(new ArrayExample<>(new Label(y), NAMES, new double[] {a, b}));
    }
    double[] first = weights(new LogisticLbfgsTrainer(1.0, 1000, 1e-8).train(d));
    double[] second = weights(new LogisticLbfgsTrainer(1.0, 1000, 1e-8).train(d));
    assertThat(second).containsExactly(first);
  }

  private static double[] weights(Model<?> m) {
    DenseMatrix w = ((AbstractLinearSGDModel<?>) m).getWeightsCopy();
    double[] out = new double[w.getDimension1Size() * w.getDimension2Size()];
    for (int i = 0; i < w.getDimension1Size(); i++) {
      for (int j = 0; j < w.getDimension2Size(); j++) {
        out[i * w.getDimension2Size() + j] = w.get(i, j);
      }
    }
    return out;
  }

  @Test
  void leastSquares_isOrdinaryLeastSquares() throws Exception {
    Model<Regressor> m = new LeastSquaresTrainer(0).train(targets(X, NAMES));
    double[] w = weights(m);
    int a = m.getFeatureIDMap().getID("a");
    int b = m.getFeatureIDMap().getID("b");
    assertThat(w[a]).isCloseTo(1.193815956583, within(1e-9));
    assertThat(w[b]).isCloseTo(0.533839183305, within(1e-9));
    assertThat(w[2]).isCloseTo(0.235887732205, within(1e-9));
    // Saved as Tribuo saves every model (Java serialisation, as model.ser).
    new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(m);
  }

  @Test
  void leastSquares_alphaIsRidge() {
    double[] w = weights(new LeastSquaresTrainer(2.0).train(targets(X, NAMES)));
    assertThat(w[0]).isCloseTo(1.059460725788, within(1e-9));
    assertThat(w[1]).isCloseTo(0.449364538747, within(1e-9));
    assertThat(w[2]).isCloseTo(0.258219899646, within(1e-9));
  }

  @Test
  void leastSquares_collinearFeatures_minimumNormAsLstsq() {
    double[][] x3 = new double[X.length][];
    for (int i = 0; i < X.length; i++) {
      x3[i] = new double[] {X[i][0], X[i][1], X[i][0] + X[i][1]};
    }
    String[] names = {"a", "b", "c"};
    Model<Regressor> m = new LeastSquaresTrainer(0).train(targets(x3, names));
    double[] expected = {1.473402730462, -0.797776469387, 1.652924238766};
    for (int i = 0; i < 3; i++) {
      double p =
          m.predict(new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, names, x3[i]))
              .getOutput()
              .getValues()[0];
      assertThat(p).isCloseTo(expected[i], within(1e-9));
    }
    Map<String, ? extends Provenance> p = m.getProvenance().getInstanceProvenance().getMap();
    assertThat(((IntProvenance) p.get("rank")).getValue()).isEqualTo(2);
  }

  @Test
  void designMatrix_beyondOneArray_isRefusedWithTheSizes() {
    DesignMatrix.requireFits(100_000_000, 21);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DesignMatrix.requireFits(100_000_000, 22))
        .isInstanceOf(DesignMatrix.TooLargeException.class)
        .hasMessageContaining("100000000 training rows x 22 features = 2200000000 values");
  }

  @Test
  void lbfgs_minimisesAnIllConditionedQuadratic() {
    // f(x) = sum_i c_i (x_i - i)^2 with c from 1 to 10^4: minimum at x_i = i.
    double[] c = {1, 10, 100, 1000, 10000};
    Lbfgs.Result r =
        Lbfgs.minimize(
            (x, g) -> {
              double f = 0;
              for (int i = 0; i < x.length; i++) {
                f += c[i] * (x[i] - i) * (x[i] - i);
                g[i] = 2 * c[i] * (x[i] - i);
              }
              return f;
            },
            new double[5],
            1e-9,
            1000,
            null);
    assertThat(r.converged()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(r.x()[i]).isCloseTo(i, within(1e-9));
    }
  }
}
