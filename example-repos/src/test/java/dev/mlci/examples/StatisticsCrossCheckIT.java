package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.core.gate.Interval;
import dev.mlci.core.gate.McNemar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * mlci's McNemar comparison against independent implementations on a set of 2x2 tables (edges, few
 * and many discordant pairs): the score statistic at 0 against statsmodels' McNemar chi-squared
 * test, and Tango's score interval against a Python implementation written from the paper.
 */
class StatisticsCrossCheckIT {
  @TempDir Path tmp;

  @Test
  void mcnemar_matchesStatsmodelsAndAnIndependentTangoInterval() throws Exception {
    List<int[]> tables = new ArrayList<>();
    // Edges: no disagreement, one-sided, balanced, the exact/chi-squared boundary (24 vs 25
    // discordant pairs).
    for (int[] bc :
        new int[][] {
          {0, 0},
          {0, 1},
          {1, 0},
          {5, 5},
          {0, 12},
          {12, 12},
          {10, 14},
          {10, 15},
          {13, 12},
          {20, 5},
          {100, 80},
          {3, 40},
          {400, 350}
        }) {
      tables.add(new int[] {50, bc[0], bc[1], 40});
    }
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 40; i++) {
      tables.add(new int[] {rng.nextInt(500), rng.nextInt(60), rng.nextInt(60), rng.nextInt(500)});
    }
    StringBuilder json = new StringBuilder("[");
    for (int k = 0; k < tables.size(); k++) {
      int[] t = tables.get(k);
      json.append(k > 0 ? "," : "")
          .append("[[")
          .append(t[0])
          .append(',')
          .append(t[1])
          .append("],[")
          .append(t[2])
          .append(',')
          .append(t[3])
          .append("]]");
    }
    Path file = tmp.resolve("tables.json");
    Files.writeString(file, json.append(']').toString());

    JsonNode expected = Tools.crosscheck("mcnemar", file.toString());

    for (int k = 0; k < tables.size(); k++) {
      int[] t = tables.get(k);
      int n = t[0] + t[1] + t[2] + t[3];
      // statsmodels' table [[a, b], [c, d]]: b = baseline right / candidate wrong, c = the reverse.
      int m = Math.max(n, 1);
      Interval ours = McNemar.fromCounts(t[1], t[2], m, 0.95);
      JsonNode theirs = expected.get(k);
      double z = McNemar.score(t[1], t[2], m, 0, 0);
      double p =
          t[1] + t[2] == 0
              ? 1.0
              : 2
                  * org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)
                      .survivalProbability(Math.abs(z));
      assertThat(p)
          .as("table %d: b=%d c=%d, uncorrected score test", k, t[1], t[2])
          .isCloseTo(theirs.path("p_uncorrected").asDouble(), within(1e-10));
      assertThat(ours.lo())
          .as("table %d: b=%d c=%d, lower end", k, t[1], t[2])
          .isCloseTo(theirs.path("lo").asDouble(), within(1e-8));
      assertThat(ours.hi())
          .as("table %d: b=%d c=%d, upper end", k, t[1], t[2])
          .isCloseTo(theirs.path("hi").asDouble(), within(1e-8));
    }
  }

  /**
   * The paired bootstrap against independent references on one seeded data set of 2,000 paired
   * binary predictions: its ROC AUC difference and standard error against DeLong's paired test
   * (written in Python from the paper), its accuracy interval against scipy.stats.bootstrap
   * (percentile and BCa, paired). Tolerances follow from the resample count: a bootstrap standard
   * error from 4,000 resamples is within about 2.2% of its limit, a 2.5% quantile within about 0.1
   * standard errors.
   */
  @Test
  void pairedBootstrap_matchesDeLongAndScipy() throws Exception {
    int n = 2000;
    SplittableRandom rng = new SplittableRandom(2024);
    int[] truth = new int[n];
    double[][] base = new double[n][];
    double[][] cand = new double[n][];
    int[] basePred = new int[n];
    int[] candPred = new int[n];
    StringBuilder csv = new StringBuilder("truth,base_score,cand_score\n");
    for (int i = 0; i < n; i++) {
      truth[i] = rng.nextInt(2);
      double signal = truth[i] * 1.2 + gaussian(rng);
      double a = 1 / (1 + Math.exp(-(signal + 0.5 * gaussian(rng) - 0.6)));
      double b = 1 / (1 + Math.exp(-(signal + 0.5 * gaussian(rng) - 0.55)));
      a = Math.round(a * 1e6) / 1e6;
      b = Math.round(b * 1e6) / 1e6;
      base[i] = new double[] {1 - a, a};
      cand[i] = new double[] {1 - b, b};
      basePred[i] = a >= 0.5 ? 1 : 0;
      candPred[i] = b >= 0.5 ? 1 : 0;
      csv.append(truth[i]).append(',').append(a).append(',').append(b).append('\n');
    }
    Path file = tmp.resolve("pairs.csv");
    Files.writeString(file, csv.toString());
    List<String> ids = java.util.stream.IntStream.range(0, n).mapToObj(i -> "e" + i).toList();
    var basePreds =
        new dev.mlci.core.eval.ClassificationPredictions(
            ids, List.of("0", "1"), truth, basePred, base, true, 1);
    var candPreds =
        new dev.mlci.core.eval.ClassificationPredictions(
            ids, List.of("0", "1"), truth, candPred, cand, true, 1);
    int resamples = 4000;

    JsonNode ref = Tools.crosscheck("paired", file.toString(), Integer.toString(resamples));

    Interval auc =
        dev.mlci.core.gate.Bootstrap.paired(
            dev.mlci.core.eval.MetricFunction.of(dev.mlci.core.config.Metric.ROC_AUC, basePreds),
            dev.mlci.core.eval.MetricFunction.of(dev.mlci.core.config.Metric.ROC_AUC, candPreds),
            n,
            true,
            0.95,
            resamples,
            42);
    assertThat(auc.estimate()).isCloseTo(ref.path("auc_delta").asDouble(), within(1e-12));
    assertThat(auc.standardError())
        .isCloseTo(
            ref.path("delong_se").asDouble(), within(0.06 * ref.path("delong_se").asDouble()));
    Interval acc =
        dev.mlci.core.gate.Bootstrap.paired(
            dev.mlci.core.eval.MetricFunction.of(dev.mlci.core.config.Metric.ACCURACY, basePreds),
            dev.mlci.core.eval.MetricFunction.of(dev.mlci.core.config.Metric.ACCURACY, candPreds),
            n,
            true,
            0.95,
            resamples,
            42);
    double tolerance = 0.15 * acc.standardError();
    assertThat(acc.lo()).isCloseTo(ref.path("acc_lo").asDouble(), within(tolerance));
    assertThat(acc.hi()).isCloseTo(ref.path("acc_hi").asDouble(), within(tolerance));
    // The mean is a smooth statistic: BCa and percentile agree here, so both references bracket
    // ours.
    assertThat(acc.lo()).isCloseTo(ref.path("acc_bca_lo").asDouble(), within(2 * tolerance));
    assertThat(acc.hi()).isCloseTo(ref.path("acc_bca_hi").asDouble(), within(2 * tolerance));
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
