package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The breast-cancer-keras example end to end through the packaged CLI: its own train.py (TensorFlow
 * Keras, the standard scaling a Normalization layer inside the graph, exported with tf2onnx) trains
 * through {@code trainer: external} in the example's own Python environment, mlci evaluates the
 * exported ONNX model through ONNX Runtime, the gate passes a branch that keeps the model and fails
 * the degrading branch. Python's onnxruntime re-scores the test rows from the raw CSV.
 *
 * <p>The test is a sequence of steps on one {@link Pipeline}; a further stage of the example's CI
 * (e.g. containerize and verify-image) is one more call in {@link #trainEvaluateGate}.
 */
class ExternalKerasIT {
  private static final String EXAMPLE = "breast-cancer-keras";

  @TempDir Path tmp;

  /**
   * The environment the example's CI gives mlci: the virtualenv built from the example's
   * requirements.txt ({@code MLCI_KERAS_PYTHON}, default {@code .ci/venv-keras/bin/python}, as
   * .ci/run creates it) first on the PATH, so that {@code python3 train.py} is its Python. Skips,
   * or fails under MLCI_REQUIRE_PYTHON, when TensorFlow or tf2onnx is missing there.
   */
  static Map<String, String> kerasEnvironment() throws Exception {
    Path venv = Tools.examples().getParent().resolve(".ci/venv-keras/bin/python").normalize();
    String python = System.getenv().getOrDefault("MLCI_KERAS_PYTHON", venv.toString());
    Tools.Result probe;
    try {
      probe =
          Tools.exec(
              List.of(python, "-c", "import tensorflow, keras, tf2onnx, pandas"),
              Path.of("."),
              Map.of("TF_CPP_MIN_LOG_LEVEL", "3"));
    } catch (java.io.IOException e) {
      probe = new Tools.Result(127, "", e.getMessage());
    }
    if (probe.exit() != 0) {
      String[] lines = probe.err().strip().split("\n");
      Tools.skipOrFail(
          "MLCI_REQUIRE_PYTHON",
          "TensorFlow and tf2onnx are needed for the "
              + EXAMPLE
              + " example ("
              + python
              + ": "
              + lines[lines.length - 1]
              + "). Install: python3 -m venv .ci/venv-keras && .ci/venv-keras/bin/pip install -r"
              + " example-repos/"
              + EXAMPLE
              + "/requirements.txt (or set MLCI_KERAS_PYTHON)");
    }
    // bin/python3 of that venv, not a symlink to it: Python finds its venv next to its own path.
    Path bin = Path.of(python).getParent();
    assertThat(bin.resolve("python3")).as("the venv's python3, which train.py runs with").exists();
    return Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH"));
  }

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void trainEvaluateGate() throws Exception {
    Map<String, String> env = kerasEnvironment();
    String python = Tools.python(); // the reference tools' onnxruntime, for the re-score
    Pipeline p = new Pipeline(Tools.copyExample(EXAMPLE, tmp), env);
    try (Git git = Tools.commitAll(p.repo, "Keras breast cancer network")) {
      JsonNode metrics = p.trainAndEvaluateOnMain();
      assertThat(metrics.path("roc_auc").asDouble()).isGreaterThanOrEqualTo(0.99);
      assertThat(metrics.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.97);
      p.assertProvenance();
      p.rescoreInPython(python);
      String mainModel = p.modelDigest();
      p.recordBaseline();
      p.passOnADocsBranch(git);
      // Deterministic training: the unchanged commit exports the very same bytes.
      assertThat(p.modelDigest()).isEqualTo(mainModel);
      p.failOnTheDegradingBranch(git);
    }
  }

  /** The example's CI, step by step, on one copy of the repository. */
  private record Pipeline(Path repo, Map<String, String> env) {
    /** main: train through train.py, evaluate through ONNX Runtime; the evaluation's metrics. */
    JsonNode trainAndEvaluateOnMain() throws Exception {
      Tools.Result main = Tools.mlci(env, "run", repo.toString(), "--json", "--progress", "none");
      assertThat(main.exit()).as(main.err()).isZero();
      return main.json().at("/evaluate/metrics");
    }

    /** The ONNX graph's form, the parity check on all training rows, the script's own metrics. */
    void assertProvenance() throws Exception {
      JsonNode prov = Tools.JSON.readTree(repo.resolve("mlci-out/model/provenance.json").toFile());
      assertThat(prov.at("/trainer/input_form").asString())
          .isEqualTo("tensor 'features' float [N, 30]");
      assertThat(prov.at("/trainer/parity/rows").asInt()).isEqualTo(450);
      // Keras and ONNX Runtime both compute in float32: rounding only.
      assertThat(prov.at("/trainer/parity/max_difference").asDouble()).isLessThan(1e-5);
      assertThat(prov.at("/trainer/script_metrics/train_accuracy").asDouble())
          .isGreaterThanOrEqualTo(0.97);
      // The standard scaling is inside the graph: raw values go in, no scaler in features.json.
      JsonNode features =
          Tools.JSON.readTree(repo.resolve("mlci-out/model/features.json").toFile());
      assertThat(features.at("/columns/0/center").asDouble()).isZero();
      assertThat(features.at("/columns/0/scale").asDouble()).isEqualTo(1.0);
    }

    /** Python's onnxruntime scores the test rows from the raw CSV: mlci's probabilities. */
    void rescoreInPython(String python) throws Exception {
      ExternalTrainerIT.rescoreInPython(python, repo);
    }

    /** SHA-256 of the exported model.onnx of the last run. */
    String modelDigest() throws Exception {
      byte[] model = Files.readAllBytes(repo.resolve("mlci-out/model/model.onnx"));
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(model));
    }

    void recordBaseline() throws Exception {
      Tools.Result record = Tools.mlci(env, "baseline", "record", repo.toString());
      assertThat(record.exit()).as(record.err()).isZero();
    }

    /** A branch that leaves the model alone retrains the same weights (deterministic): PASS. */
    void passOnADocsBranch(Git git) throws Exception {
      git.checkout().setName("main").call();
      git.checkout().setCreateBranch(true).setName("docs").call();
      Files.writeString(repo.resolve("NOTES.md"), "a documentation change\n");
      Tools.commitAll(repo, "Docs only").close();
      Tools.Result pass =
          Tools.mlci(env, "run", repo.toString(), "--target", "main", "--progress", "none");
      assertThat(pass.exit()).as(pass.err()).isZero();
      assertThat(pass.out()).contains("mlci gate: PASS (2 rules)");
    }

    /** The degrading branch (README): a 100 times smaller learning rate, FAIL on both rules. */
    void failOnTheDegradingBranch(Git git) throws Exception {
      git.checkout().setName("main").call();
      git.checkout().setCreateBranch(true).setName("smaller-learning-rate").call();
      Files.copy(
          repo.resolve("degraded.ml.yaml"),
          repo.resolve("ml.yaml"),
          StandardCopyOption.REPLACE_EXISTING);
      Tools.commitAll(repo, "Lower the learning rate for stabler training").close();
      Tools.Result fail =
          Tools.mlci(env, "run", repo.toString(), "--target", "main", "--progress", "none");
      assertThat(fail.exit()).as(fail.err()).isEqualTo(1);
      assertThat(fail.out()).contains("mlci gate: FAIL (2 rules, 2 failed)");
    }
  }
}
