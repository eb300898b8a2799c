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
}
