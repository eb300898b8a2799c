package dev.mlci.bench;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Turns {@code pairs.csv} into the two evaluation bundles {@code mlci gate} compares, for timing
 * the whole command: {@code WORKSPACE/mlci-out/eval/evaluation.mlci.gz} (candidate) and {@code
 * BASELINE} (baseline).
 *
 * <pre>java -cp benchmarks.jar dev.mlci.bench.MakeGateBundles PAIRS.csv WORKSPACE BASELINE</pre>
 */
public final class MakeGateBundles {
  private MakeGateBundles() {}

  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    int n = lines.size() - 1;
    List<String> ids = new ArrayList<>(n);
    int[] truth = new int[n];
    double[][][] scores = new double[2][n][];
    int[][] predicted = new int[2][n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      ids.add(f[0]);
      truth[i] = Integer.parseInt(f[1]);
      for (int m = 0; m < 2; m++) {
        double s = Double.parseDouble(f[2 + m]);
        scores[m][i] = new double[] {1 - s, s};
        predicted[m][i] = s >= 0.5 ? 1 : 0;
      }
    }
    Path eval = Path.of(args[1]).resolve("mlci-out/eval");
    Files.createDirectories(eval);
    write(Path.of(args[2]), ids, truth, predicted[0], scores[0], "baseline");
    write(eval.resolve(EvaluationBundle.FILE), ids, truth, predicted[1], scores[1], "candidate");
  }

  private static void write(
      Path file, List<String> ids, int[] truth, int[] predicted, double[][] scores, String who)
      throws IOException {
    EvaluationBundle bundle =
        new EvaluationBundle(
            "bench-gate",
            "classification",
            Optional.of(who.equals("baseline") ? "b".repeat(40) : "c".repeat(40)),
            false,
            who,
            who,
            JsonNodeFactory.instance.objectNode(),
            Map.of(),
            Map.of(),
            new ClassificationPredictions(
                ids, List.of("0", "1"), truth, predicted, scores, true, 1),
            List.of());
    try (OutputStream out = Files.newOutputStream(file)) {
      bundle.write(out);
    }
  }
}
