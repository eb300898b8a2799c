package dev.mlci.bench;

import dev.mlci.core.datagate.DataGate;
import dev.mlci.core.datagate.DataGateConfig;
import dev.mlci.core.gate.DataGateResult;
import dev.mlci.core.gate.DataRuleResult;
import dev.mlci.core.gate.Verdict;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.Profiler;
import dev.mlci.format.profile.TableProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The data gate's benchmark and validation (bench/datagate/run.sh).
 *
 * <pre>
 *   speed ROWS COLUMNS RESAMPLES REPEATS
 *       profiles two tables of ROWS x COLUMNS (16 numeric, 4 categorical columns per 20) and times
 *       the profiling and the data gate (train and test splits, RESAMPLES resamples), best of REPEATS
 *   validate REPLICATES RESAMPLES N...
 *       per N (training rows; the test split has N/4): the data gate's false alarm on two samples of
 *       the same distribution, and its power on a shifted column (0.25 sd), on a new category (5% of
 *       rows), on a shifted label share (+10 points)
 * </pre>
 */
public final class DataGateBench {
  private DataGateBench() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "speed" ->
          speed(
              Integer.parseInt(args[1]),
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]));
      case "validate" -> {
        int replicates = Integer.parseInt(args[1]);
        int resamples = Integer.parseInt(args[2]);
        for (int i = 3; i < args.length; i++) {
          validate(Integer.parseInt(args[i]), replicates, resamples);
        }
      }
      default -> throw new IllegalArgumentException("speed or validate, not " + args[0]);
    }
  }

  /** One scenario's columns: numeric shift of column 0, share of a new category, label shift. */
  record Scenario(String name, double shift, double newCategory, double labelShift) {}

  static double[][] numbers(SplittableRandom rng, int n, int columns, double shift) {
    double[][] x = new double[columns][n];
    for (int c = 0; c < columns; c++) {
      for (int i = 0; i < n; i++) {
        double z = rng.nextGaussian();
        // Normal, log-normal, uniform, integer-valued (ties) columns.
        x[c][i] =
            switch (c % 4) {
              case 0 -> 50 + 10 * z;
              case 1 -> Math.exp(0.5 * z);
              case 2 -> rng.nextDouble() * 100;
              default -> rng.nextInt(20);
            };
      }
    }
    if (shift != 0) {
      for (int i = 0; i < n; i++) {
        x[0][i] += shift * 10;
      }
    }
    return x;
  }

  static TableProfile table(SplittableRandom rng, int n, int numeric, int categorical, Scenario s) {
    double[][] x = numbers(rng, n, numeric, s.shift);
    List<ColumnProfile> columns = new ArrayList<>();
    for (int c = 0; c < numeric; c++) {
      columns.add(Profiler.numbers("x" + c, x[c]));
    }
    for (int c = 0; c < categorical; c++) {
      int[] codes = new int[n];
      List<String> levels = List.of("a", "b", "c", "d", "e", "f", "g", "h", "new");
      for (int i = 0; i < n; i++) {
        if (c == 0 && rng.nextDouble() < s.newCategory) {
          codes[i] = 8;
        } else {
          // Geometric-ish shares over 8 levels.
          int k = 0;
          while (k < 7 && rng.nextDouble() < 0.6) {
            k++;
          }
          codes[i] = k;
        }
      }
      columns.add(Profiler.categories("c" + c, codes, levels));
    }
    Map<String, Long> labels = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      labels.merge(rng.nextDouble() < 0.3 + s.labelShift ? "1" : "0", 1L, Long::sum);
    }
    return new TableProfile(n, columns, Optional.of(Profiler.categories("y", labels, 0)));
  }

  static DataProfile profile(SplittableRandom rng, int n, int numeric, int cats, Scenario s) {
    Map<String, TableProfile> splits = new LinkedHashMap<>();
    splits.put(DataProfile.TRAIN, table(rng, n, numeric, cats, s));
    splits.put(DataProfile.TEST, table(rng, Math.max(1, n / 4), numeric, cats, s));
    return new DataProfile(splits);
  }

  static void speed(int rows, int columns, int resamples, int repeats) {
    int numeric = columns * 4 / 5;
    SplittableRandom rng = new SplittableRandom(1);
    double[][] x = numbers(rng, rows, numeric, 0);
    long bestProfile = Long.MAX_VALUE;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      ColumnProfile[] out = new ColumnProfile[numeric];
      IntStream.range(0, numeric).parallel().forEach(c -> out[c] = Profiler.numbers("x" + c, x[c]));
      bestProfile = Math.min(bestProfile, System.nanoTime() - t0);
    }
    System.out.printf(
        Locale.ROOT,
        "profile %d numeric columns x %d rows: %.3f s (best of %d)%n",
        numeric,
        rows,
        bestProfile / 1e9,
        repeats);
    Scenario same = new Scenario("same", 0, 0, 0);
    DataProfile base = profile(rng, rows, numeric, columns - numeric, same);
    DataProfile cand = profile(rng, rows, numeric, columns - numeric, same);
    DataGate gate = new DataGate(DataGateConfig.defaults(), 0.95, resamples, 42);
    long best = Long.MAX_VALUE;
    DataGateResult result = null;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      result = gate.evaluate(Optional.of(cand), Optional.of(base));
      best = Math.min(best, System.nanoTime() - t0);
    }
    System.out.printf(
        Locale.ROOT,
        "data gate %d columns x %d rows (+ %d test rows), %d resamples, %d drift checks: %.3f s"
            + " (best of %d), verdict %s%n",
        columns,
        rows,
        rows / 4,
        resamples,
        result.drift().size(),
        best / 1e9,
        repeats,
        result.verdict());
  }

  static void validate(int n, int replicates, int resamples) {
    List<Scenario> scenarios =
        List.of(
            new Scenario("same data (false alarm)", 0, 0, 0),
            new Scenario("x0 shifted 0.25 sd (power)", 0.25, 0, 0),
            new Scenario("c0 new category in 5% of rows (power)", 0, 0.05, 0),
            new Scenario("label share +10 points (power)", 0, 0, 0.10));
    for (Scenario s : scenarios) {
      SplittableRandom rng = new SplittableRandom(1000L * n + s.name.hashCode());
      DataGate gate = new DataGate(DataGateConfig.defaults(), 0.95, resamples, 42);
      int red = 0;
      int drift = 0;
      Map<String, Integer> byRule = new java.util.TreeMap<>();
      for (int rep = 0; rep < replicates; rep++) {
        DataProfile base = profile(rng, n, 8, 2, new Scenario("base", 0, 0, 0));
        DataProfile cand = profile(rng, n, 8, 2, s);
        DataGateResult r = gate.evaluate(Optional.of(cand), Optional.of(base));
        if (r.verdict() == Verdict.FAIL) {
          red++;
        }
        boolean anyDrift = false;
        for (DataRuleResult x : r.rules()) {
          if (x.verdict() == Verdict.FAIL) {
            byRule.merge(x.id(), 1, Integer::sum);
            anyDrift |= x.kind() != DataRuleResult.Kind.SCHEMA;
          }
        }
        drift += anyDrift ? 1 : 0;
      }
      double p = (double) red / replicates;
      System.out.printf(
          Locale.ROOT,
          "VALIDATION datagate n=%d (+%d test) %s: replicates=%d FAIL=%.4f se=%.4f (drift rules"
              + " alone %.4f) by rule %s%n",
          n,
          n / 4,
          s.name,
          replicates,
          p,
          Math.sqrt(p * (1 - p) / replicates),
          (double) drift / replicates,
          byRule);
    }
  }
}
