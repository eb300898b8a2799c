package dev.mlci.core.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/**
 * Logistic regression fitted to convergence by full-batch L-BFGS, minimising scikit-learn's
 * objective for {@code LogisticRegression(C=c)} with its default lbfgs solver:
 *
 * <pre>
 *   sum over examples of the log loss  +  1 / (2 C) * ||W||^2
 * </pre>
 *
 * where W holds the feature weights (the intercepts are not penalised). Two classes: one weight
 * vector w and intercept b, P(second class) = sigmoid(w.x + b). More classes: the multinomial
 * (softmax) model with one weight row and intercept per class, every row penalised. The solver
 * minimises that objective divided by the number of examples (the same minimiser), whose gradient
 * it drives below {@code tol} in every component.
 *
 * <p>The result is a Tribuo {@code LinearSGDModel} (softmax over one row per class; two classes get
 * rows -w/2 and +w/2, which gives the same probabilities), so it is saved, served and exported
 * exactly as the models of Tribuo's SGD trainers. Deterministic: the sums run over fixed blocks of
 * rows in a fixed order, whatever the number of threads.
 */
public final class LogisticLbfgsTrainer extends FullBatchTrainer<Label> {
  /** The logger of per-iteration progress lines ({@link ProgressBridge} reads them). */
  static final String LOGGER_NAME = LogisticLbfgsTrainer.class.getName();

  private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

  /** Rows per block of the gradient sums: fixed, so the sums do not depend on the thread count. */
  static final int BLOCK = 4096;

  @Config(description = "Inverse of the L2 regularisation strength (scikit-learn's C).")
  private double c = 1.0;

  @Config(description = "Most L-BFGS iterations.")
  private int maxIterations = 1000;

  @Config(description = "Stop when every gradient component is at most this.")
  private double tolerance = 1e-6;

  /** For OLCUT's configuration system. */
  private LogisticLbfgsTrainer() {}

  LogisticLbfgsTrainer(double c, int maxIterations, double tolerance) {
    if (!(c > 0) || maxIterations < 1 || !(tolerance > 0)) {
      throw new IllegalArgumentException(
          "C and tol must be positive and max_iter at least 1; got C="
              + c
              + ", max_iter="
              + maxIterations
              + ", tol="
              + tolerance);
    }
    this.c = c;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  int maxIterations() {
    return maxIterations;
  }

  @Override
  Class<?> modelClass() {
    return org.tribuo.classification.sgd.linear.LinearSGDModel.class;
  }

  @Override
  Model<Label> fit(
      FitInput<Label> examples,
      Map<String, Provenance> instance,
      Function<Map<String, Provenance>, ModelProvenance> provenance) {
    DesignMatrix x = examples.matrix();
    ImmutableOutputInfo<Label> outputs = examples.outputs();
    int classes = outputs.size();
    Fit fit = fit(x, classes);

    instance.put("solver", new StringProvenance("solver", "lbfgs"));
    instance.put("iterations", new IntProvenance("iterations", fit.result.iterations()));
    instance.put(
        "gradient-max-abs", new DoubleProvenance("gradient-max-abs", fit.result.gradientNorm()));
    instance.put("objective", new DoubleProvenance("objective", fit.result.value()));
    instance.put("converged", new BooleanProvenance("converged", fit.result.converged()));
    return LinearModels.classifier(
        "logistic-regression",
        provenance.apply(instance),
        examples.features(),
        outputs,
        fit.weights);
  }

  /**
   * The fitted weights [classes, features + 1] (bias last) and how the solver ended.
   *
   * @param weights Tribuo's layout: one row per output id
   * @param result the solver's outcome
   */
  record Fit(double[][] weights, Lbfgs.Result result) {}

  /**
   * A line on how {@code model}'s solver ended when it stopped at {@code max_iter} before
   * converging, or empty (converged, or not fitted by this trainer).
   */
  static java.util.Optional<String> notConverged(Model<?> model) {
    Map<String, ? extends Provenance> instance =
        model.getProvenance().getInstanceProvenance().getMap();
    if (instance.get("converged") instanceof BooleanProvenance b
        && !b.getValue()
        && instance.get("iterations") instanceof IntProvenance iterations
        && instance.get("gradient-max-abs") instanceof DoubleProvenance gradient) {
      return java.util.Optional.of(
          "logistic: L-BFGS stopped at max_iter ("
              + iterations.getValue()
              + " iterations) with the largest gradient component at "
              + gradient.getValue()
              + ", above tol; raise model.params.max_iter or tol, or keep model.standardize on");
    }
    return java.util.Optional.empty();
  }

  /** Fits {@code x} with {@code classes} output ids. */
  Fit fit(DesignMatrix x, int classes) {
    int d = x.columns();
    if (classes < 2) {
      // One class seen: it gets probability 1 whatever the weights.
      return new Fit(new double[classes][d + 1], new Lbfgs.Result(new double[0], 0, 0, 0, 0, true));
    }
    int k = classes == 2 ? 1 : classes;
    Objective objective = new Objective(x, k, 1.0 / (c * x.rows()));
    Lbfgs.Result result =
        Lbfgs.minimize(
            objective,
            new double[k * (d + 1)],
            tolerance,
            maxIterations,
            // Concatenated, not parameterised: ProgressBridge matches the raw message.
            (i, value, gradient) ->
                LOGGER.info(
                    "Iteration " + i + ", objective = " + value + ", gradient = " + gradient));
    double[] theta = result.x();
    double[][] weights = new double[classes][d + 1];
    if (k == 1) {
      for (int j = 0; j <= d; j++) {
        weights[1][j] = theta[j] / 2;
        weights[0][j] = -theta[j] / 2;
      }
    } else {
      for (int o = 0; o < classes; o++) {
        System.arraycopy(theta, o * (d + 1), weights[o], 0, d + 1);
      }
    }
    return new Fit(weights, result);
  }

  /**
   * The mean log loss plus {@code lambda / 2 * ||W||^2}, over parameters laid out as {@code k} rows
   * of [weights (d), intercept]; {@code k == 1} is the binary model.
   */
  static final class Objective implements Lbfgs.Objective {
    private final DesignMatrix x;
    private final int k;
    private final double lambda;
    private final int width;

    Objective(DesignMatrix x, int k, double lambda) {
      this.x = x;
      this.k = k;
      this.lambda = lambda;
      this.width = x.columns() + 1;
    }

    @Override
    public double evaluate(double[] theta, double[] gradient) {
      int n = x.rows();
      int blocks = (n + BLOCK - 1) / BLOCK;
      int p = theta.length;
      // Per block: its loss sum at [p], its gradient sum at [0, p).
      double[][] partial = new double[blocks][];
      IntStream.range(0, blocks)
          .parallel()
          .forEach(b -> partial[b] = block(theta, b * BLOCK, Math.min(n, (b + 1) * BLOCK)));
      double loss = 0;
      java.util.Arrays.fill(gradient, 0);
      for (double[] part : partial) {
        loss += part[p];
        for (int j = 0; j < p; j++) {
          gradient[j] += part[j];
        }
      }
      double penalty = 0;
      for (int o = 0; o < k; o++) {
        for (int j = 0; j < x.columns(); j++) {
          double w = theta[o * width + j];
          penalty += w * w;
          gradient[o * width + j] = gradient[o * width + j] / n + lambda * w;
        }
        gradient[o * width + x.columns()] /= n;
      }
      return loss / n + lambda / 2 * penalty;
    }

    private double[] block(double[] theta, int from, int to) {
      int d = x.columns();
      int p = theta.length;
      double[] out = new double[p + 1];
      double[] v = x.values();
      int[] y = x.classes();
      double loss = 0;
      double[] z = new double[k];
      for (int i = from; i < to; i++) {
        int base = i * d;
        for (int o = 0; o < k; o++) {
          int row = o * width;
          double s = theta[row + d];
          for (int j = 0; j < d; j++) {
            s += theta[row + j] * v[base + j];
          }
          z[o] = s;
        }
        if (k == 1) {
          double t = z[0];
          double label = y[i] == 1 ? 1 : 0;
          // log(1 + e^t) - label * t, without overflow.
          loss += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - label * t;
          double r = (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t))) - label;
          for (int j = 0; j < d; j++) {
            out[j] += r * v[base + j];
          }
          out[d] += r;
        } else {
          double max = z[0];
          for (int o = 1; o < k; o++) {
            max = Math.max(max, z[o]);
          }
          double sum = 0;
          for (int o = 0; o < k; o++) {
            sum += Math.exp(z[o] - max);
          }
          double lse = max + Math.log(sum);
          loss += lse - z[y[i]];
          for (int o = 0; o < k; o++) {
            double r = Math.exp(z[o] - lse) - (o == y[i] ? 1 : 0);
            int row = o * width;
            for (int j = 0; j < d; j++) {
              out[row + j] += r * v[base + j];
            }
            out[row + d] += r;
          }
        }
      }
      out[p] = loss;
      return out;
    }
  }

  @Override
  public String toString() {
    return "LogisticLbfgsTrainer(C=" + c + ",max_iter=" + maxIterations + ",tol=" + tolerance + ")";
  }
}
