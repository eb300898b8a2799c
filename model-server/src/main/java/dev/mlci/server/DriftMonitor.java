package dev.mlci.server;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import dev.mlci.format.profile.TableProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The serving image's rolling profile of the features it scores, and their drift against the
 * training profile in the model directory ({@code data-profile.json}), with the data gate's own
 * statistics ({@link Drift}).
 *
 * <p><b>Bounded memory.</b> A numeric feature's values are counted in the bins between the training
 * profile's quantiles ({@code K} quantiles, {@code K + 1} bins), each bin keeping its weight and
 * the weighted sum of its values; a categorical feature's in the training profile's listed
 * categories, one bin for the known levels beyond them ("other") and one for levels training never
 * saw ("unseen"). Whatever the traffic: {@code stripes × features × (K + 1) × 16} bytes.
 *
 * <p><b>Exact on its bins.</b> The training profile's cumulative distribution is constant between
 * two of its quantiles, so the Wasserstein-1 distance to the served rows is the same whether a
 * bin's rows are at their own values or all at their mean, unless the two distribution functions
 * cross inside that bin: {@link Drift#normedWasserstein(ColumnProfile, double[], double[])} on the
 * bins' means and weights is the distance to the rows themselves but for those crossings. Unseen
 * levels are one bin: the Jensen–Shannon distance grows linearly in the share of categories the
 * reference lacks, so one bin or one per level gives the same value.
 *
 * <p><b>Rolling.</b> Rows weigh {@code 2^(-age / halfLife)} (exponential decay, computed forward: a
 * batch's rows are added at weight {@code 2^((t - landmark) / halfLife)} and the sums are scaled
 * back at read time), so the profile follows the recent traffic without a window of rows.
 *
 * <p><b>No lock contention.</b> Each inference thread adds to one of a few stripes (by thread id),
 * under the stripe's own lock, once per batch; the scrape merges the stripes.
 */
final class DriftMonitor {
  /** The default half-life of a row's weight: one hour. */
  static final double DEFAULT_HALF_LIFE_SECONDS = 3600;

  /** Most stripes ({@value}). */
  static final int MAX_STRIPES = 8;

  /** The environment variable that sets the half-life, in seconds. */
  static final String HALF_LIFE_ENV = "MLCI_DRIFT_HALF_LIFE_SECONDS";

  /** Rescale a stripe when its forward weights pass this. */
  private static final double RESCALE_ABOVE = 1e100;

  private final FeatureSpec spec;
  private final Feature[] features;
  private final int[] numericFeatures;
  private final Stripe[] stripes;
  private final double nanosPerHalfLife;
  private final LongSupplier clock;

  /**
   * One served column: its training profile (if any) and how values map to bins.
   *
   * @param column the column's index in the feature spec
   * @param reference the training profile's column; null when the profile lacks it
   * @param edges numeric: the reference's quantiles
   * @param categories categorical: the listed categories' bin
   * @param bins the number of bins
   */
  private record Feature(
      int column,
      String name,
      boolean numeric,
      ColumnProfile reference,
      double[] edges,
      Map<String, Integer> categories,
      int bins) {}

  private final class Stripe {
    long landmark;
    double rows;
    final double[][] weight = new double[features.length][];
    final double[][] sum = new double[features.length][];
    long rowsTotal;
    final long[] unseenTotal = new long[features.length];
    final long[] missingTotal = new long[features.length];

    Stripe(long now) {
      landmark = now;
      for (int f = 0; f < features.length; f++) {
        weight[f] = new double[features[f].bins];
        sum[f] = features[f].numeric ? new double[features[f].bins] : null;
      }
    }

    /** Scales every weight to the landmark {@code now}. */
    void rescale(long now) {
      double factor = Math.pow(2, -(now - landmark) / nanosPerHalfLife);
      rows *= factor;
      for (int f = 0; f < features.length; f++) {
        for (int b = 0; b < weight[f].length; b++) {
          weight[f][b] *= factor;
          if (sum[f] != null) {
            sum[f][b] *= factor;
          }
        }
      }
      landmark = now;
    }
  }

  /**
   * @param spec the model's input columns
   * @param training the training profile ({@code data-profile.json}'s train split); empty for a
   *     model directory without one (then only unseen levels and missing values are counted)
   * @param halfLifeSeconds how fast old rows stop counting
   * @param stripes how many stripes (at most {@link #MAX_STRIPES})
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  DriftMonitor(
      FeatureSpec spec,
      Optional<TableProfile> training,
      double halfLifeSeconds,
      int stripes,
      LongSupplier clock) {
    if (!(halfLifeSeconds > 0) || Double.isInfinite(halfLifeSeconds)) {
      throw new IllegalArgumentException(
          HALF_LIFE_ENV + " must be a number of seconds > 0, not " + halfLifeSeconds);
    }
    this.spec = spec;
    this.clock = clock;
    this.nanosPerHalfLife = halfLifeSeconds * 1e9;
    List<Feature> list = new ArrayList<>();
    for (int c = 0; c < spec.columns().size(); c++) {
      ColumnSpec col = spec.columns().get(c);
      boolean numeric = col.kind() == ColumnSpec.Kind.NUMERIC;
      ColumnProfile ref =
          training
              .flatMap(t -> t.feature(col.name()))
              .filter(p -> (p.kind() == ColumnProfile.Kind.NUMBER) == numeric)
              .filter(p -> p.count() > 0)
              .orElse(null);
      if (numeric) {
        double[] edges = ref == null ? new double[0] : ref.quantiles();
        list.add(new Feature(c, col.name(), true, ref, edges, Map.of(), edges.length + 1));
      } else {
        Map<String, Integer> index = new HashMap<>();
        if (ref != null) {
          for (String name : ref.categories().keySet()) {
            index.put(name, index.size());
          }
        }
        // Then "other" (a known level the profile did not list) and "unseen".
        list.add(new Feature(c, col.name(), false, ref, null, index, index.size() + 2));
      }
    }
    this.features = list.toArray(Feature[]::new);
    this.numericFeatures =
        java.util.stream.IntStream.range(0, features.length)
            .filter(f -> features[f].numeric)
            .toArray();
    int n = Math.max(1, Math.min(MAX_STRIPES, stripes));
    int pow = Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
    this.stripes = new Stripe[Math.min(MAX_STRIPES, pow)];
    long now = clock.getAsLong();
    for (int s = 0; s < this.stripes.length; s++) {
      this.stripes[s] = new Stripe(now);
    }
  }

  /** The environment variable that turns the monitor off ({@code off}); default on. */
  static final String ENABLED_ENV = "MLCI_DRIFT_MONITOR";

  /**
   * Whether {@value #ENABLED_ENV} leaves the monitor on ({@code on}, the default, or {@code off}).
   */
  static boolean enabled(Map<String, String> env) {
    String v = env.getOrDefault(ENABLED_ENV, "on").strip();
    return switch (v) {
      case "on", "" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              ENABLED_ENV + " must be 'on' or 'off', not '" + BadRequest.cut(v) + "'");
    };
  }

  /** The half-life set by {@value #HALF_LIFE_ENV}, or the default. */
  static double halfLife(Map<String, String> env) {
    String v = env.get(HALF_LIFE_ENV);
    if (v == null || v.isBlank()) {
      return DEFAULT_HALF_LIFE_SECONDS;
    }
    try {
      double s = Double.parseDouble(v.strip());
      if (s > 0 && Double.isFinite(s)) {
        return s;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(
        HALF_LIFE_ENV + " must be a number of seconds > 0 (e.g. 3600), not '" + v + "'");
  }

  /** Whether a training profile was found for at least one column. */
  boolean hasReference() {
    for (Feature f : features) {
      if (f.reference != null) {
        return true;
      }
    }
    return false;
  }

  /** Adds a batch about to be scored: one lock, on this thread's stripe, for the whole batch. */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
  void observe(Batch batch) {
    Stripe s = stripes[(int) Thread.currentThread().getId() & (stripes.length - 1)];
    long now = clock.getAsLong();
    synchronized (s) {
      double w = Math.pow(2, (now - s.landmark) / nanosPerHalfLife);
      if (w > RESCALE_ABOVE) {
        s.rescale(now);
        w = 1;
      }
      int rows = batch.rows();
      s.rows += w * rows;
      s.rowsTotal += rows;
      // Row by row over the numeric features (each row's values are one array), then the
      // categorical ones column by column (rare, and a map look-up each).
      double[][] numeric = batch.numeric();
      for (int r = 0; r < rows; r++) {
        double[] row = numeric[r];
        for (int k = 0; k < numericFeatures.length; k++) {
          int f = numericFeatures[k];
          double x = row[features[f].column];
          if (Double.isNaN(x)) {
            s.missingTotal[f]++;
            continue;
          }
          int b = upperBound(features[f].edges, x);
          s.weight[f][b] += w;
          s.sum[f][b] += w * x;
        }
      }
      for (int f = 0; f < features.length; f++) {
        Feature feature = features[f];
        if (feature.numeric) {
          continue;
        }
        double[] weight = s.weight[f];
        int c = feature.column;
        int other = feature.bins - 2;
        for (int r = 0; r < rows; r++) {
          String level = batch.categorical()[r][c];
          if (level == null) {
            s.missingTotal[f]++;
            continue;
          }
          Integer b = feature.categories.get(level);
          if (b != null) {
            weight[b] += w;
          } else if (spec.knowsLevel(c, level)) {
            weight[other] += w;
          } else {
            weight[other + 1] += w;
            s.unseenTotal[f]++;
          }
        }
      }
    }
  }

  /**
   * The number of {@code edges} at most {@code x}: the bin where the reference's CDF is constant.
   */
  static int upperBound(double[] edges, double x) {
    // Branch-free halving (the JIT makes the choice a conditional move): served values fall
    // anywhere between the training quantiles, so a branch on each comparison is mispredicted
    // about half the time, and on a 256-row batch of 30 features with 200 quantiles those
    // mispredictions were most of the monitor's cost (bench/drift).
    int n = edges.length;
    if (n == 0) {
      return 0;
    }
    int base = 0;
    while (n > 1) {
      int half = n >>> 1;
      // The answer lies in [base, base + n]; one comparison halves that range.
      base = edges[base + half - 1] <= x ? base + half : base;
      n -= half;
    }
    return edges[base] <= x ? base + 1 : base;
  }

  /**
   * One feature's drift now.
   *
   * @param feature the column's name
   * @param statistic {@code normed_wasserstein} or {@code jensen_shannon}
   * @param value the distance to the training profile; NaN before any weight
   * @param unseen rows with a level training never saw, since start
   * @param missing missing values, since start
   */
  record FeatureDrift(String feature, String statistic, double value, long unseen, long missing) {}

  /**
   * What the stripes hold now, merged.
   *
   * @param rows the rows observed since start
   * @param windowRows the decayed weight of those rows (the rows the drift values stand on)
   * @param features per column, in input order
   */
  record Snapshot(long rows, double windowRows, List<FeatureDrift> features) {}

  /** Merges the stripes and measures each feature's drift. */
  Snapshot snapshot() {
    long now = clock.getAsLong();
    double[][] weight = new double[features.length][];
    double[][] sum = new double[features.length][];
    for (int f = 0; f < features.length; f++) {
      weight[f] = new double[features[f].bins];
      sum[f] = features[f].numeric ? new double[features[f].bins] : null;
    }
    long rows = 0;
    double window = 0;
    long[] unseen = new long[features.length];
    long[] missing = new long[features.length];
    for (Stripe s : stripes) {
      synchronized (s) {
        double factor = Math.pow(2, (s.landmark - now) / nanosPerHalfLife);
        rows += s.rowsTotal;
        window += s.rows * factor;
        for (int f = 0; f < features.length; f++) {
          unseen[f] += s.unseenTotal[f];
          missing[f] += s.missingTotal[f];
          for (int b = 0; b < weight[f].length; b++) {
            weight[f][b] += s.weight[f][b] * factor;
            if (sum[f] != null) {
              sum[f][b] += s.sum[f][b] * factor;
            }
          }
        }
      }
    }
    List<FeatureDrift> out = new ArrayList<>();
    for (int f = 0; f < features.length; f++) {
      Feature feature = features[f];
      double value =
          feature.reference == null
              ? Double.NaN
              : feature.numeric
                  ? numeric(feature, weight[f], sum[f])
                  : categorical(feature, weight[f]);
      out.add(
          new FeatureDrift(
              feature.name,
              feature.numeric ? "normed_wasserstein" : "jensen_shannon",
              value,
              unseen[f],
              missing[f]));
    }
    return new Snapshot(rows, window, out);
  }

  /** The normed Wasserstein distance of the bins (each at its mean) to the reference's sketch. */
  private static double numeric(Feature feature, double[] weight, double[] sum) {
    int n = 0;
    for (double w : weight) {
      if (w > 0) {
        n++;
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    double[] atoms = new double[n];
    double[] weights = new double[n];
    int i = 0;
    for (int b = 0; b < weight.length; b++) {
      if (weight[b] > 0) {
        double mean = sum[b] / weight[b];
        // A mean rounds into its bin; keep the atoms ascending as the bins are.
        atoms[i] = i > 0 ? Math.max(atoms[i - 1], mean) : mean;
        weights[i++] = weight[b];
      }
    }
    return Drift.normedWasserstein(feature.reference, atoms, weights);
  }

  /**
   * The Jensen–Shannon distance of the category bins to the reference's counts, through the same
   * {@link Drift#jensenShannon(ColumnProfile, ColumnProfile)} as the data gate: the served rows as
   * a profile whose unseen levels are one category the reference lacks.
   */
  private static double categorical(Feature feature, double[] weight) {
    int other = feature.bins - 2;
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    if (!(total > 0)) {
      return Double.NaN;
    }
    List<String> names = new ArrayList<>(feature.reference.categories().keySet());
    double[] p = Drift.counts(feature.reference, withUnseen(names));
    double[] q = new double[p.length];
    for (int b = 0; b < other; b++) {
      q[b] = weight[b];
    }
    q[q.length - 2] = weight[other + 1];
    q[q.length - 1] = weight[other];
    return Drift.jensenShannon(p, q);
  }

  /** The reference's categories, then the unseen pseudo-category, then {@link Drift#OTHER}. */
  private static List<String> withUnseen(List<String> names) {
    List<String> all = new ArrayList<>(names);
    all.add(UNSEEN);
    all.add(Drift.OTHER);
    return all;
  }

  /** The pseudo-category of the levels training never saw (no category is named so). */
  static final String UNSEEN = "\u0000unseen";
}
