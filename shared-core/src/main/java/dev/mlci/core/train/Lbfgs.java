package dev.mlci.core.train;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Nocedal and Wright, <i>Numerical Optimization</i>, 2nd ed., algorithm 7.4,
 * the two-loop recursion) with a backtracking line search that enforces the Armijo condition, for
 * smooth convex objectives such as the regularised logistic loss. It is deterministic: the same
 * objective and start give the same iterates, bit for bit.
 *
 * <p>It stops when the largest absolute gradient component is at most {@code tol} (scikit-learn's
 * lbfgs criterion, scipy's {@code pgtol}), when an iteration lowers the objective by less than
 * {@code 64 * machine epsilon} relative to its size (scipy's {@code ftol} as scikit-learn sets it),
 * or after {@code maxIterations}.
 */
final class Lbfgs {
  /** A differentiable objective. */
  interface Objective {
    /** Writes the gradient at {@code x} into {@code gradient} and returns the value there. */
    double evaluate(double[] x, double[] gradient);
  }

  /** Called after every iteration. */
  interface Monitor {
    void iteration(int iteration, double value, double gradientNorm);
  }

  /**
   * The outcome.
   *
   * @param x the minimiser found
   * @param value the objective there
   * @param gradientNorm the largest absolute gradient component there
   * @param iterations iterations done
   * @param evaluations objective evaluations done
   * @param converged whether a convergence criterion (not the iteration limit) stopped it
   */
  record Result(
      double[] x,
      double value,
      double gradientNorm,
      int iterations,
      int evaluations,
      boolean converged) {}

  /** Correction pairs kept (scipy's default {@code maxcor}). */
  static final int HISTORY = 10;

  private static final double ARMIJO = 1e-4;
  private static final double FTOL = 64 * Math.ulp(1.0);
  private static final int MAX_BACKTRACKS = 40;

  private Lbfgs() {}

  static Result minimize(
      Objective f, double[] start, double tol, int maxIterations, Monitor monitor) {
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = f.evaluate(x, g);
    int evaluations = 1;
    double[][] s = new double[HISTORY][];
    double[][] y = new double[HISTORY][];
    double[] rho = new double[HISTORY];
    int stored = 0;
    int newest = -1;
    double[] d = new double[n];
    double[] alpha = new double[HISTORY];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    int iteration = 0;
    double gnorm = maxAbs(g);
    boolean converged = gnorm <= tol;
    while (!converged && iteration < maxIterations) {
      // Direction: minus the inverse-Hessian approximation times the gradient (two-loop recursion).
      for (int i = 0; i < n; i++) {
        d[i] = -g[i];
      }
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(newest - k, HISTORY);
        alpha[j] = rho[j] * dot(s[j], d);
        axpy(-alpha[j], y[j], d);
      }
      if (stored > 0) {
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        for (int i = 0; i < n; i++) {
          d[i] *= gamma;
        }
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(newest - k, HISTORY);
        double beta = rho[j] * dot(y[j], d);
        axpy(alpha[j] - beta, s[j], d);
      }
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (rounding): restart from steepest descent.
        stored = 0;
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = -dot(g, g);
      }
      // First step: scaled so that it moves by at most 1 in total; then the quasi-Newton step 1.
      double step = stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-slope)) : 1.0;
      double fNew = Double.NaN;
      boolean accepted = false;
      for (int b = 0; b < MAX_BACKTRACKS; b++) {
        for (int i = 0; i < n; i++) {
          xNew[i] = x[i] + step * d[i];
        }
        fNew = f.evaluate(xNew, gNew);
        evaluations++;
        if (Double.isFinite(fNew) && fNew <= fx + ARMIJO * step * slope) {
          accepted = true;
          break;
        }
        // Minimiser of the quadratic through f(x), f'(x) and f(x + step d), kept in [0.1, 0.5].
        double q =
            Double.isFinite(fNew) ? -slope * step * step / (2 * (fNew - fx - slope * step)) : 0;
        step = Math.max(0.1 * step, Math.min(0.5 * step, q));
      }
      if (!accepted) {
        // No decrease representable in floating point along this direction: as converged as it
        // gets.
        converged = true;
        break;
      }
      iteration++;
      int slot = (newest + 1) % HISTORY;
      if (s[slot] == null) {
        s[slot] = new double[n];
        y[slot] = new double[n];
      }
      for (int i = 0; i < n; i++) {
        s[slot][i] = xNew[i] - x[i];
        y[slot][i] = gNew[i] - g[i];
      }
      double sy = dot(s[slot], y[slot]);
      // Keep the pair only when the curvature condition holds (always, for a strictly convex
      // objective, up to rounding).
      if (sy > 1e-10 * Math.sqrt(dot(s[slot], s[slot]) * dot(y[slot], y[slot]))) {
        rho[slot] = 1 / sy;
        newest = slot;
        stored = Math.min(stored + 1, HISTORY);
      }
      double fOld = fx;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      gnorm = maxAbs(g);
      if (monitor != null) {
        monitor.iteration(iteration, fx, gnorm);
      }
      converged =
          gnorm <= tol
              || (fOld - fx) <= FTOL * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1.0);
    }
    return new Result(x, fx, gnorm, iteration, evaluations, converged);
  }

  static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  static double maxAbs(double[] v) {
    return Arrays.stream(v).map(Math::abs).max().orElse(0);
  }
}
