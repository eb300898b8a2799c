package dev.mlci.server;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.VerifyImageStep;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.image.verify.ServingCases;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Real models, trained and evaluated by the engine from the example repositories. */
final class ServedModels {
  private ServedModels() {}

  /** A trained and evaluated example: its model directory and the evaluated test rows. */
  record Trained(Path modelDir, ServingCases cases) {}

  private static final java.util.Map<String, Trained> SHARED = new java.util.HashMap<>();
  private static Path sharedDir;

  /**
   * Example {@code example} trained once per test JVM (into a temporary folder removed at exit),
   * for test classes that only read the model.
   */
  static synchronized Trained shared(String example) throws Exception {
    Trained t = SHARED.get(example);
    if (t == null) {
      if (sharedDir == null) {
        sharedDir = java.nio.file.Files.createTempDirectory("mlci-served-models");
        Path dir = sharedDir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      }
      Path out = sharedDir.resolve(example);
      t =
          example.startsWith("imputing-")
              ? trainRepository(
                  imputing(example.substring("imputing-".length()), sharedDir), out.resolve("out"))
              : train(example, out);
      SHARED.put(example, t);
    }
    return t;
  }

  private static void deleteTree(Path dir) {
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort at exit
    }
  }

  /**
   * A copy of {@code example} with {@code missing: impute-mean} and about every fifth value of two
   * columns missing in the data, written as training reads missing cells: empty and {@code NA}. For
   * breast-cancer 'mean radius' and 'mean texture'; for diabetes 'bmi' and the categorical 'sex'.
   * The evaluated test rows then include missing cells.
   */
  static Path imputing(String example, Path work) throws Exception {
    Path source = Path.of(System.getProperty("mlci.examples"), example);
    Path repo =
        java.nio.file.Files.createDirectories(work.resolve("imputing-" + example + "-repo"));
    java.nio.file.Files.createDirectories(repo.resolve("data"));
    String yaml = java.nio.file.Files.readString(source.resolve("ml.yaml"));
    String id = example.equals("diabetes") ? "  id: patient_id\n" : "  id: sample_id\n";
    if (!yaml.contains(id)) {
      throw new IllegalStateException(example + "/ml.yaml has no '" + id.strip() + "'");
    }
    java.nio.file.Files.writeString(
        repo.resolve("ml.yaml"), yaml.replace(id, id + "  missing: impute-mean\n"));
    String data = example.equals("diabetes") ? "data/diabetes.csv" : "data/breast_cancer.csv";
    java.util.List<String> columns =
        example.equals("diabetes")
            ? java.util.List.of("bmi", "sex")
            : java.util.List.of("mean radius", "mean texture");
    java.util.List<String> lines =
        java.nio.file.Files.readAllLines(
            source.resolve(data), java.nio.charset.StandardCharsets.UTF_8);
    java.util.List<String> header = java.util.Arrays.asList(lines.get(0).split(","));
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",", -1);
      for (int k = 0; k < columns.size(); k++) {
        if ((i + 2 * k) % 5 == 0) {
          cells[header.indexOf(columns.get(k))] = i % 2 == 0 ? "" : "NA";
        }
      }
      lines.set(i, String.join(",", cells));
    }
    java.nio.file.Files.write(repo.resolve(data), lines, java.nio.charset.StandardCharsets.UTF_8);
    return repo;
  }

  static Trained train(String example, Path out) throws Exception {
    return trainRepository(Path.of(System.getProperty("mlci.examples"), example), out);
  }

  /** Trains and evaluates the repository {@code repo} (a folder with ml.yaml) into {@code out}. */
  static Trained trainRepository(Path repo, Path out) throws Exception {
    Workspace ws = Workspace.of(repo, Optional.empty(), Optional.of(out));
    Plan plan = Mlci.plan(ws);
    Mlci mlci = new Mlci(ProgressListener.NONE, Clock.systemUTC());
    mlci.train(plan);
    mlci.evaluate(plan);
    return new Trained(ws.modelDir(), VerifyImageStep.servingCases(plan));
  }
}
