package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The breast-cancer-sklearn example end to end through the packaged CLI: its own train.py
 * (scikit-learn + skl2onnx) trains through {@code trainer: external}, mlci evaluates the exported
 * ONNX model, the gate passes a branch that keeps the model and fails the degrading branch.
 * Python's onnxruntime re-scores the test rows to confirm mlci's Java feeding of the model.
 */
class ExternalTrainerIT {
  @TempDir Path tmp;

  /** Python with scikit-learn, skl2onnx and onnxruntime, or a skipped (or, in CI, failed) test. */
  private static String python() throws Exception {
    String python = Tools.python();
    Tools.Result probe = Tools.exec(List.of(python, "-c", "import skl2onnx"), Path.of("."));
    if (probe.exit() != 0) {
      String why =
          "SKIPPED: skl2onnx is needed for the trainer: external example ("
              + probe.err().strip()
              + "). Install: python3 -m pip install -r .ci/requirements.txt";
      if (System.getenv("MLCI_REQUIRE_PYTHON") != null) {
        throw new AssertionError(why);
      }
      System.out.println(why);
      Assumptions.abort(why);
    }
    return python;
  }

  @Test
  void breastCancerSklearn_trainsThroughItsScript_gatesPassThenFailOnTheDegradingBranch()
      throws Exception {
    String python = python();
    Path repo = Tools.copyExample("breast-cancer-sklearn", tmp);
    try (Git git = Tools.commitAll(repo, "scikit-learn breast cancer model")) {
      Tools.Result main = Tools.mlci("run", repo.toString(), "--json", "--progress", "none");
      assertThat(main.exit()).as(main.err()).isZero();
      // Nothing but mlci's own lines on stderr: SLF4J's "logging calls ... intercepted" notice came
      // when two threads first logged at once (3-4 runs of 6 of `mlci run`, before Main set it up).
      assertThat(main.err()).doesNotContain("SLF4J");
      JsonNode metrics = main.json().at("/evaluate/metrics");
      assertThat(metrics.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.98);
      assertThat(metrics.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
      JsonNode prov = Tools.JSON.readTree(repo.resolve("mlci-out/model/provenance.json").toFile());
      assertThat(prov.at("/trainer/parity/rows").asInt()).isEqualTo(450);
      assertThat(prov.at("/trainer/parity/max_difference").asDouble()).isLessThan(1e-4);
      assertThat(prov.at("/trainer/script_metrics/train_accuracy").asDouble()).isEqualTo(1.0);

      // Python's onnxruntime scores the same test rows from the raw CSV: same probabilities.
      rescoreInPython(python, repo);

      // Shipped like mlci's own models: ExternalImageIT containerizes and verifies the image.

      Tools.Result record = Tools.mlci("baseline", "record", repo.toString());
      assertThat(record.exit()).as(record.err()).isZero();

      // A branch that leaves the model alone: the same model, PASS.
      git.checkout().setCreateBranch(true).setName("docs").call();
      Files.writeString(repo.resolve("NOTES.md"), "a documentation change\n");
      Tools.commitAll(repo, "Docs only").close();
      Tools.Result pass =
          Tools.mlci("run", repo.toString(), "--target", "main", "--progress", "none");
      assertThat(pass.exit()).as(pass.err()).isZero();
      assertThat(pass.out()).contains("mlci gate: PASS (2 rules)");
      assertThat(pass.err()).doesNotContain("SLF4J");

      // The degrading branch (README): shape features only, FAIL.
      git.checkout().setName("main").call();
      git.checkout().setCreateBranch(true).setName("drop-features").call();
      Files.copy(
          repo.resolve("degraded.ml.yaml"),
          repo.resolve("ml.yaml"),
          StandardCopyOption.REPLACE_EXISTING);
      Tools.commitAll(repo, "Use only shape features").close();
      Tools.Result fail =
          Tools.mlci("run", repo.toString(), "--target", "main", "--progress", "none");
      assertThat(fail.exit()).as(fail.err()).isEqualTo(1);
      assertThat(fail.out()).contains("mlci gate: FAIL (2 rules, 2 failed)");
      assertThat(fail.err()).doesNotContain("SLF4J");
    }
  }

  /**
   * Python's onnxruntime scores the breast-cancer test rows of {@code repo} from the raw CSV
   * through the exported model: the same labels and, within 1e-6, the same probabilities as mlci's
   * evaluation.
   */
  static void rescoreInPython(String python, Path repo) throws Exception {
    Tools.Result check =
        Tools.exec(
            List.of(
                python,
                Tools.examples().resolve("src/test/python/onnx_predictions_check.py").toString(),
                repo.resolve("mlci-out/model").toString(),
                repo.resolve("data/breast_cancer.csv").toString(),
                repo.resolve("mlci-out/eval/predictions.csv").toString(),
                "sample_id"),
            repo);
    assertThat(check.exit()).as(check.err()).isZero();
    JsonNode c = check.json();
    assertThat(c.path("rows").asInt()).isEqualTo(119);
    assertThat(c.path("max_difference").asDouble()).isLessThan(1e-6);
    assertThat(c.path("labels_agree").asBoolean()).isTrue();
  }
}
