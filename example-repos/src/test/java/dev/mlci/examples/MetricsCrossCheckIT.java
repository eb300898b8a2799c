package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.core.config.Metric;
import dev.mlci.core.config.Task;
import dev.mlci.core.eval.ClassificationMetrics;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.MetricValues;
import dev.mlci.core.eval.RegressionMetrics;
import dev.mlci.core.eval.RegressionPredictions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * mlci's metric code agrees with scikit-learn's {@code sklearn.metrics} to 1e-9 on the same
 * predictions files: the examples' real predictions (binary, multiclass, regression) and random
 * ones built to hit the edge cases (tied scores, classes never predicted, decision scores instead
 * of probabilities).
 */
class MetricsCrossCheckIT {
  static final double TOLERANCE = 1e-9;

  @TempDir Path tmp;

  @Test
  void examples_metricsJson_matchesSklearn() throws Exception {
    for (String example : new String[] {"breast-cancer", "iris", "wine", "diabetes"}) {
      Path repo = Tools.copyExample(example, tmp);
      Tools.Result r = Tools.mlci("run", repo.toString(), "-q", "--progress", "none");
      assertThat(r.exit()).as(r.err()).isZero();
      JsonNode metrics = Tools.JSON.readTree(repo.resolve("mlci-out/eval/metrics.json").toFile());
      List<String> args =
          new ArrayList<>(
              List.of(
                  "metrics",
                  repo.resolve("mlci-out/eval/predictions.csv").toString(),
                  metrics.path("task").asString()));
      if (metrics.has("positive_class")) {
        args.add(metrics.path("positive_class").asString());
      }
      JsonNode sklearn = Tools.crosscheck(args.toArray(String[]::new));

      assertAgree(example, metrics.path("metrics"), sklearn);
    }
  }

  @Test
  void randomBinaryWithTies_matchesSklearn() throws Exception {
    SplittableRandom rng = new SplittableRandom(1);
    for (int trial = 0; trial < 5; trial++) {
      int n = 200 + rng.nextInt(300);
      int[] truth = new int[n];
      int[] predicted = new int[n];
      double[][] scores = new double[n][];
      for (int i = 0; i < n; i++) {
        truth[i] = rng.nextInt(3) == 0 ? 1 : 0;
        // Scores rounded to one decimal: many ties, correlated with the truth.
        double p =
            Math.round(Math.min(1, Math.max(0, 0.35 * truth[i] + rng.nextDouble() * 0.65)) * 10)
                / 10.0;
        scores[i] = new double[] {1 - p, p};
        predicted[i] = p >= 0.5 ? 1 : 0;
      }
      check(
          new ClassificationPredictions(
              ids(n), List.of("neg", "pos"), truth, predicted, scores, true, 1),
          "pos");
    }
  }

  @Test
  void randomMulticlass_someClassesNeverPredicted_matchesSklearn() throws Exception {
    SplittableRandom rng = new SplittableRandom(2);
    List<String> classes = List.of("a", "b", "c", "d");
    for (int trial = 0; trial < 5; trial++) {
      int n = 150 + rng.nextInt(200);
      int[] truth = new int[n];
      int[] predicted = new int[n];
      double[][] scores = new double[n][4];
      for (int i = 0; i < n; i++) {
        truth[i] = rng.nextInt(4);
        double sum = 0;
        for (int c = 0; c < 4; c++) {
          scores[i][c] = rng.nextDouble() + (c == truth[i] ? 0.8 : 0);
          sum += scores[i][c];
        }
        int best = 0;
        for (int c = 0; c < 4; c++) {
          scores[i][c] /= sum;
          best = scores[i][c] > scores[i][best] ? c : best;
        }
        // Class "d" is never predicted: its precision is 0 under zero_division=0.
        predicted[i] = best == 3 ? 2 : best;
      }
      check(
          new ClassificationPredictions(ids(n), classes, truth, predicted, scores, true, -1), null);
    }
  }

  @Test
  void decisionScores_binary_matchSklearnOnDefinedMetrics() throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 300;
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = rng.nextInt(2);
      double s = rng.nextGaussian() + truth[i];
      scores[i] = new double[] {-s, s};
      predicted[i] = s > 0 ? 1 : 0;
    }
    check(
        new ClassificationPredictions(
            ids(n), List.of("0", "1"), truth, predicted, scores, false, 1),
        "1");
  }

  @Test
  void randomRegression_matchesSklearn() throws Exception {
    SplittableRandom rng = new SplittableRandom(4);
    int n = 500;
    double[] truth = new double[n];
    double[] predicted = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = rng.nextGaussian() * 50 + 150;
      predicted[i] = truth[i] * 0.7 + rng.nextGaussian() * 30 + 40;
    }
    RegressionPredictions p = new RegressionPredictions(ids(n), truth, predicted);
    Path csv = tmp.resolve("regression.csv");
    StringBuilder sb = new StringBuilder("id,truth,prediction\n");
    for (int i = 0; i < n; i++) {
      sb.append(p.ids().get(i))
          .append(',')
          .append(truth[i])
          .append(',')
          .append(predicted[i])
          .append('\n');
    }
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    MetricValues ours = RegressionMetrics.compute(Metric.of(Task.REGRESSION), p, null);

    assertAgree(
        "regression",
        Tools.JSON.valueToTree(ours.values()),
        Tools.crosscheck("metrics", csv.toString(), "regression"));
  }

  private void check(ClassificationPredictions p, String positive) throws Exception {
    Path csv = tmp.resolve("predictions-" + System.nanoTime() + ".csv");
    StringBuilder sb = new StringBuilder("id,truth,prediction");
    String prefix = p.probabilities() ? ",proba_" : ",score_";
    p.classes().forEach(c -> sb.append(prefix).append(c));
    sb.append('\n');
    for (int i = 0; i < p.size(); i++) {
      sb.append(p.ids().get(i))
          .append(',')
          .append(p.classes().get(p.truth()[i]))
          .append(',')
          .append(p.classes().get(p.predicted()[i]));
      for (double s : p.scores()[i]) {
        sb.append(',').append(s);
      }
      sb.append('\n');
    }
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    MetricValues ours = ClassificationMetrics.compute(Metric.of(Task.CLASSIFICATION), p, null);
    List<String> args = new ArrayList<>(List.of("metrics", csv.toString(), "classification"));
    if (positive != null) {
      args.add(positive);
    }
    JsonNode sklearn = Tools.crosscheck(args.toArray(String[]::new));

    assertAgree(csv.getFileName().toString(), Tools.JSON.valueToTree(ours.values()), sklearn);
  }

  private static void assertAgree(String what, JsonNode ours, JsonNode sklearn) {
    assertThat(sklearn.propertyNames()).as(what + ": metrics sklearn computed").isNotEmpty();
    for (String metric : sklearn.propertyNames()) {
      assertThat(ours.has(metric)).as(what + ": mlci computed " + metric).isTrue();
      assertThat(ours.get(metric).asDouble())
          .as(what + ": " + metric)
          .isCloseTo(sklearn.get(metric).asDouble(), within(TOLERANCE));
    }
    for (String metric : ours.propertyNames()) {
      assertThat(sklearn.has(metric)).as(what + ": sklearn also computed " + metric).isTrue();
    }
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
  }
}
