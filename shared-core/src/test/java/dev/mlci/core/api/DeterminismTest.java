package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Same inputs, same bytes: every trainer, twice, gives identical model and evaluation files (all
 * but run.json). The paired gate and reproducible images depend on it.
 */
class DeterminismTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "classification, logistic",
    "classification, linear-svm",
    "classification, cart",
    "classification, random-forest",
    "classification, xgboost",
    "regression, linear",
    "regression, cart",
    "regression, random-forest",
    "regression, xgboost",
    "classification, mlp",
    "regression, mlp"
  })
  void trainAndEvaluateTwice_giveIdenticalFiles(String task, String trainer) throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("data"));
    Files.writeString(repo.resolve("data/d.csv"), data(task), StandardCharsets.UTF_8);
    Files.writeString(
        repo.resolve("ml.yaml"),
        String.join(
            "\n",
            "name: determinism",
            "task: " + task,
            "data:",
            "  path: data/d.csv",
            "  target: y",
            "  categorical: [c]",
            "model:",
            "  trainer: " + trainer,
            trainer.equals("random-forest") || trainer.equals("xgboost")
                ? "  params: {n_trees: 7}"
                : trainer.equals("mlp") ? "  params: {hidden_layers: [8], epochs: 15}" : "",
            ""),
        StandardCharsets.UTF_8);

    Map<String, String> first = runAndDigest(repo);
    Map<String, String> second = runAndDigest(repo);

    assertThat(second).isEqualTo(first);
    assertThat(first)
        .containsKeys(
            trainer.equals("mlp") ? "model/mlp-0000.params" : "model/model.tribuo",
            "eval/predictions.csv");
  }

  private static Map<String, String> runAndDigest(Path repo) throws Exception {
    Mlci mlci = new Mlci(ProgressListener.NONE, Clock.systemUTC());
    Plan plan = Mlci.plan(Workspace.of(repo, Optional.empty(), Optional.empty()));
    mlci.train(plan);
    mlci.evaluate(plan);
    Path out = repo.resolve("mlci-out");
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String rel = out.relativize(p).toString();
        // run.json and the run records (mlruns/, tracking.json) say when and which run: they
        // differ by design; the results must not.
        if (!p.getFileName().toString().equals("run.json")
            && !rel.startsWith("mlruns")
            && !rel.equals("tracking.json")) {
          digests.put(out.relativize(p).toString(), Digests.sha256Hex(p));
        }
      }
    }
    return digests;
  }

  /** 120 rows: two numeric features, one categorical, a target that depends on them with noise. */
  private static String data(String task) {
    SplittableRandom rng = new SplittableRandom(5);
    StringBuilder sb = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < 120; i++) {
      double a = rng.nextGaussian();
      double b = rng.nextGaussian() * 3;
      String c = rng.nextBoolean() ? "u" : "v";
      double signal = a + 0.3 * b + (c.equals("u") ? 0.5 : -0.5) + rng.nextGaussian() * 0.5;
      String y =
          task.equals("regression")
              ? String.format(Locale.ROOT, "%.4f", signal * 10)
              : signal > 0 ? "p" : "n";
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%s,%s%n", a, b, c, y));
    }
    return sb.toString();
  }
}
