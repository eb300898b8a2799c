package dev.mlci.core.datagate;

import dev.mlci.core.gate.DataRuleResult.Histogram;
import dev.mlci.core.gate.ReportNumbers;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import java.util.ArrayList;
import java.util.List;

/** Baseline vs candidate shares of a column, for gate.html's histograms. */
final class Histograms {
  /** Bins of a numeric column's histogram. */
  static final int BINS = 20;

  /** Categories shown (the rest together). */
  static final int CATEGORIES = 12;

  private Histograms() {}

  static Histogram of(ColumnProfile base, ColumnProfile cand) {
    if (base.kind() == ColumnProfile.Kind.NUMBER) {
      double lo = Math.min(base.min(), cand.min());
      double hi = Math.max(base.max(), cand.max());
      if (!(hi > lo)) {
        hi = lo + 1;
      }
      List<String> bins = new ArrayList<>();
      for (int b = 0; b < BINS; b++) {
        bins.add(ReportNumbers.value(lo + (hi - lo) * b / BINS));
      }
      return new Histogram(bins, shares(base, lo, hi), shares(cand, lo, hi));
    }
    List<String> union = Drift.categoryUnion(base, cand);
    double[] a = Drift.counts(base, union);
    double[] c = Drift.counts(cand, union);
    double sa = sum(a);
    double sc = sum(c);
    int shown = Math.min(CATEGORIES, union.size());
    List<String> bins = new ArrayList<>();
    double[] ba = new double[shown + (union.size() > shown ? 1 : 0)];
    double[] bc = new double[ba.length];
    for (int k = 0; k < union.size(); k++) {
      int at = Math.min(k, shown);
      if (k < shown) {
        bins.add(union.get(k).equals(Drift.OTHER) ? "(other)" : union.get(k));
      }
      ba[at] += sa > 0 ? a[k] / sa : 0;
      bc[at] += sc > 0 ? c[k] / sc : 0;
    }
    if (union.size() > shown) {
      bins.add("(rest)");
    }
    return new Histogram(bins, ba, bc);
  }

  /** The sketch's points per bin, as shares: each point stands for an equal share of the values. */
  private static double[] shares(ColumnProfile p, double lo, double hi) {
    double[] q = p.quantiles();
    double[] s = new double[BINS];
    for (double v : q) {
      int b = (int) Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / (hi - lo) * BINS)));
      s[b] += 1.0 / q.length;
    }
    return s;
  }

  private static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }
}
