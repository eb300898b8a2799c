package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The breast-cancer-sklearn example (trainer: external, a scikit-learn pipeline exported by
 * skl2onnx) shipped like mlci's own models, with real components only: train through its train.py,
 * evaluate through ONNX Runtime, {@code mlci containerize} onto a JRE base image built offline into
 * Debian's docker-registry, {@code mlci verify-image} running the image with podman; the KServe
 * manifest names the format; and {@code mlflow.pyfunc.load_model} (MLflow 3.17.2) loads the model
 * directory and predicts what mlci's server answers.
 */
class ExternalImageIT {
  @TempDir static Path work;

  static String skip;
  static LocalRegistry registry;
  static String base;
  static Map<String, String> env;

  @BeforeAll
  static void infrastructure() throws Exception {
    skip =
        Tools.skipReason(
            () -> {
              Tools.requireContainers();
              Tools.mlflowPython();
              Tools.pythonWith("skl2onnx", "skl2onnx is needed for the trainer: external example");
            });
    if (skip != null) {
      return;
    }
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")));
    base = registry.host() + "/mlci-test/jre17:latest";
    BaseImage.build(work.resolve("cache"), base, null);
    env = new HashMap<>();
    env.put("MLCI_CONTAINER_RUNTIME", "podman");
    env.put("MLCI_CONTAINER_RUN_ARGS", ImageIT.RUN_ARGS);
    env.put("MLCI_CACHE_DIR", work.resolve("cache").toString());
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void breastCancerSklearn_isContainerizedVerifiedAndLoadedByMlflowPyfunc() throws Exception {
    Tools.skipIf(skip);
    Path repo = Tools.copyExample("breast-cancer-sklearn", work);
    JsonNode report = trainContainerizeVerify(env, repo, "breast-cancer-sklearn");
    Set<String> checks = new HashSet<>();
    report.path("checks").forEach(c -> checks.add(c.path("name").asString()));
    assertThat(checks)
        .contains(
            "V2 infer, one tensor per column",
            "V2 infer, binary tensor data extension (binary inputs and outputs)",
            "V2 infer, one [N, F] FP64 tensor",
            "/invocations dataframe_split",
            "/invocations text/csv",
            "wrong datatype gets 400");

    String isvc = Files.readString(repo.resolve("mlci-out/image/deploy/inferenceservice.yaml"));
    assertThat(isvc)
        .contains("  labels:\n    mlci.dev/model-format: onnx\n")
        .contains("image: " + registry.host() + "/mlci/breast-cancer-sklearn@sha256:");

    // MLflow's own loader on the model directory, against mlci's server on the same rows.
    Path model = repo.resolve("mlci-out/model");
    try (ScoringProcess server = ScoringProcess.mlci(model, work.resolve("server"))) {
      JsonNode pyfunc =
          Tools.mlflowCheck(
              "pyfunc-server",
              model.toString(),
              repo.resolve("data/breast_cancer.csv").toString(),
              "5",
              server.uri());
      assertThat(pyfunc.path("rows").asInt()).isEqualTo(5);
      assertThat(pyfunc.path("outputs").toString())
          .isEqualTo("[\"output_label\",\"output_probability\"]");
      assertThat(pyfunc.path("columns").toString())
          .isEqualTo("[\"proba_benign\",\"proba_malignant\"]");
      assertThat(pyfunc.path("max_abs_diff").asDouble()).isLessThanOrEqualTo(1e-7);
    }
  }

  @Test
  void breastCancerKeras_isContainerizedAndVerified() throws Exception {
    Tools.skipIf(skip);
    // The Keras example's own venv runs train.py; its graph takes one float tensor [N, 30].
    Map<String, String> keras = new HashMap<>(env);
    keras.putAll(ExternalKerasIT.kerasEnvironment());
    Path repo = Tools.copyExample("breast-cancer-keras", work);

    trainContainerizeVerify(keras, repo, "breast-cancer-keras");

    assertThat(Files.readString(repo.resolve("mlci-out/image/deploy/inferenceservice.yaml")))
        .contains("mlci.dev/model-format: onnx");
  }

  /**
   * Trains and evaluates the example in {@code repo}, containerizes it (verified before the push)
   * into the local registry, runs verify-image against the pushed image: the verify report.
   */
  private static JsonNode trainContainerizeVerify(Map<String, String> env, Path repo, String name)
      throws Exception {
    for (String step : List.of("train", "evaluate")) {
      Tools.Result r = Tools.mlci(env, step, repo.toString(), "-q");
      assertThat(r.exit()).as(r.err()).isZero();
    }
    String ref = registry.host() + "/mlci/" + name + ":test";
    Tools.Result built =
        Tools.mlci(
            env,
            "containerize",
            repo.toString(),
            "--json",
            "-q",
            "--base",
            "registry://" + base,
            "--target",
            "registry://" + ref,
            "--allow-insecure-registries");
    assertThat(built.exit()).as(built.err() + built.out()).isZero();
    JsonNode described = Tools.JSON.readTree(repo.resolve("mlci-out/image/image.json").toFile());
    assertThat(described.path("verified").asBoolean()).as(described.toPrettyString()).isTrue();

    // verify-image against the pushed image: every encoding serves the evaluated predictions.
    Tools.Result verified = Tools.mlci(env, "verify-image", repo.toString(), "--json", "-q");
    JsonNode report = Tools.JSON.readTree(repo.resolve("mlci-out/verify/verify.json").toFile());
    assertThat(verified.exit()).as(report.toPrettyString() + verified.err()).isZero();
    assertThat(report.path("passed").asBoolean()).isTrue();
    assertThat(report.path("rows_compared").asInt()).isEqualTo(119);
    assertThat(report.path("max_abs_difference").asDouble()).isLessThanOrEqualTo(1e-6);
    return report;
  }
}
