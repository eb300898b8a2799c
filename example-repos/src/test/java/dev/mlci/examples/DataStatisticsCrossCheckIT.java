package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import dev.mlci.format.profile.Profiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data gate's statistics against scipy (issue 19, item 6): on the same columns, mlci's
 * Wasserstein-1 distance equals {@code scipy.stats.wasserstein_distance} (raw columns, weighted
 * atoms, and the quantile sketches the profile stores), its sketch equals {@code numpy.quantile},
 * its standard deviation {@code numpy.std}, the normed distance the ratio, and its Jensen–Shannon
 * distance {@code scipy.spatial.distance.jensenshannon}, each within 1e-9.
 */
class DataStatisticsCrossCheckIT {
  static final double TOLERANCE = 1e-9;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void driftStatistics_equalScipys() throws Exception {
    SplittableRandom rng = new SplittableRandom(19);
    ObjectNode cases = JSON.createObjectNode();
    ArrayNode numbers = cases.putArray("numbers");
    List<double[][]> columns = new ArrayList<>();
    // Normal, shifted, scaled, heavy-tailed, tied (integers), tiny and unequal sizes.
    int[][] sizes = {{1000, 1000}, {5000, 3000}, {50, 70}, {1, 1}, {2, 9}, {20000, 20000}};
    for (int[] size : sizes) {
      for (int kind = 0; kind < 4; kind++) {
        double[] u = new double[size[0]];
        double[] v = new double[size[1]];
        for (int i = 0; i < u.length; i++) {
          u[i] = draw(rng, kind, 0);
        }
        for (int i = 0; i < v.length; i++) {
          v[i] = draw(rng, kind, 0.3);
        }
        columns.add(new double[][] {u, v});
        ObjectNode c = numbers.addObject();
        c.put("k", Profiler.QUANTILES);
        ArrayNode au = c.putArray("u");
        for (double x : u) {
          au.add(x);
        }
        ArrayNode av = c.putArray("v");
        for (double x : v) {
          av.add(x);
        }
      }
    }
    ArrayNode weighted = cases.putArray("weighted");
    List<double[][]> weightedCases = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      int n = 1 + rng.nextInt(60);
      int m = 1 + rng.nextInt(60);
      double[] u = sorted(rng, n);
      double[] v = sorted(rng, m);
      double[] wu = weights(rng, n);
      double[] wv = weights(rng, m);
      weightedCases.add(new double[][] {u, wu, v, wv});
      ObjectNode c = weighted.addObject();
      put(c.putArray("u"), u);
      put(c.putArray("wu"), wu);
      put(c.putArray("v"), v);
      put(c.putArray("wv"), wv);
    }
    ArrayNode categories = cases.putArray("categories");
    List<double[][]> countCases = new ArrayList<>();
    for (int t = 0; t < 30; t++) {
      int k = 2 + rng.nextInt(40);
      double[] p = new double[k];
      double[] q = new double[k];
      for (int i = 0; i < k; i++) {
        // Zero counts on either side, as a new or vanished category gives.
        p[i] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(1000);
        q[i] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(1000);
      }
      p[0] += 1;
      q[1] += 1;
      countCases.add(new double[][] {p, q});
      ObjectNode c = categories.addObject();
      put(c.putArray("p"), p);
      put(c.putArray("q"), q);
    }
    Path file = tmp.resolve("cases.json");
    Files.writeString(file, cases.toString());

    JsonNode scipy = run(file);

    for (int i = 0; i < columns.size(); i++) {
      double[] u = columns.get(i)[0];
      double[] v = columns.get(i)[1];
      JsonNode theirs = scipy.get("numbers").get(i);
      String at = "column pair " + i + " (" + u.length + " vs " + v.length + " values)";
      assertThat(Drift.wasserstein(u, v))
          .as(at)
          .isCloseTo(theirs.get("w").asDouble(), within(TOLERANCE));
      ColumnProfile pu = Profiler.numbers("u", u);
      ColumnProfile pv = Profiler.numbers("v", v);
      double[] qu = pu.quantiles();
      for (int j = 0; j < qu.length; j++) {
        assertThat(qu[j])
            .as(at + " quantile " + j)
            .isCloseTo(
                theirs.get("qu").get(j).asDouble(),
                within(TOLERANCE * Math.max(1, Math.abs(qu[j]))));
      }
      assertThat(pu.std())
          .as(at + " std")
          .isCloseTo(theirs.get("std_u").asDouble(), within(TOLERANCE));
      assertThat(Drift.wassersteinSorted(qu, null, pv.quantiles(), null))
          .as(at + " sketches")
          .isCloseTo(theirs.get("w_sketch").asDouble(), within(TOLERANCE));
      if (pu.std() > 0) {
        assertThat(Drift.normedWasserstein(pu, pv))
            .as(at + " normed")
            .isCloseTo(theirs.get("normed").asDouble(), within(TOLERANCE));
      }
    }
    for (int i = 0; i < weightedCases.size(); i++) {
      double[][] c = weightedCases.get(i);
      assertThat(Drift.wassersteinSorted(c[0], c[1], c[2], c[3]))
          .as("weighted case " + i)
          .isCloseTo(scipy.get("weighted").get(i).asDouble(), within(TOLERANCE));
    }
    for (int i = 0; i < countCases.size(); i++) {
      double[][] c = countCases.get(i);
      assertThat(Drift.jensenShannon(c[0], c[1]))
          .as("count case " + i)
          .isCloseTo(scipy.get("categories").get(i).asDouble(), within(TOLERANCE));
    }
  }

  private static JsonNode run(Path file) throws Exception {
    String python = Tools.pythonWith("numpy, scipy", "the data gate's scipy cross-check");
    Tools.Result r =
        Tools.exec(
            List.of(
                python,
                Tools.examples().resolve("src/test/python/drift_check.py").toString(),
                file.toString()),
            Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  private static double draw(SplittableRandom rng, int kind, double shift) {
    return switch (kind) {
      case 0 -> rng.nextGaussian() + shift;
      case 1 -> 5 * rng.nextGaussian() * (1 + shift);
      case 2 -> Math.pow(rng.nextDouble(), -0.7) + shift; // heavy right tail
      default -> rng.nextInt(6) + (shift > 0 ? rng.nextInt(2) : 0); // ties
    };
  }

  private static double[] sorted(SplittableRandom rng, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextInt(3) == 0 ? rng.nextInt(5) : 10 * rng.nextDouble();
    }
    java.util.Arrays.sort(x);
    return x;
  }

  private static double[] weights(SplittableRandom rng, int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rng.nextInt(5) == 0 ? 0 : rng.nextDouble() * 10;
    }
    w[rng.nextInt(n)] += 1;
    return w;
  }

  private static void put(ArrayNode a, double[] x) {
    for (double v : x) {
      a.add(v);
    }
  }
}
