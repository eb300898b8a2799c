package dev.mlci.server;

import dev.mlci.format.Checksums;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.FeatureSpecFormat;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.ServingSpec;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.ProfileJson;
import dev.mlci.format.profile.TableProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Verifies and loads a model directory. Every file must match {@code checksums.sha256}: a model
 * altered after training is refused before it can answer a single request.
 */
final class ModelLoader {
  /** The model directory cannot be served; the message says why and what to do. */
  static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;

    LoadException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ModelLoader() {}

  /**
   * The training split of {@code data-profile.json}, when the model directory has one (checksummed
   * with the rest, so verified by now).
   */
  static Optional<TableProfile> training(Path dir, ObjectMapper json) throws IOException {
    Path file = dir.resolve(DataProfile.FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return ProfileJson.read(json.readTree(file.toFile())).split(DataProfile.TRAIN);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          DataProfile.FILE + ": " + e.getMessage() + "; train the model again", e);
    }
  }

  /**
   * Loads and checks the model in {@code dir}. {@code predictorPool} is kept for the callers' sake
   * and no backend needs it any more: an ONNX Runtime session runs concurrent calls itself.
   */
  static LoadedModel load(Path dir, int predictorPool) throws LoadException {
    long start = System.nanoTime();
    if (!Files.isDirectory(dir)) {
      throw new LoadException(
          "no model directory at " + dir + "; mount one or set MLCI_MODEL_DIR", null);
    }
    try {
      List<String> broken = Checksums.verify(dir);
      if (!broken.isEmpty()) {
        throw new LoadException(
            "refusing to serve "
                + dir
                + ": it fails its checksums ("
                + String.join("; ", broken)
                + "); the model was altered after training. Rebuild the image from a model written by mlci train",
            null);
      }
      ObjectMapper json = new ObjectMapper();
      FeatureSpec spec =
          FeatureSpecFormat.fromJson(json.readTree(dir.resolve(ModelFormat.FEATURES).toFile()));
      ServingSpec serving =
          ServingSpec.fromJson(json.readTree(dir.resolve(ModelFormat.SERVING).toFile()));
      Predictor predictor =
          switch (serving.backend()) {
            case ONNX ->
                serving.external()
                    ? new ExternalOnnxPredictor(dir, spec)
                    : new OnnxPredictor(dir, spec);
            case TRIBUO -> new TribuoPredictor(dir, spec);
            case PYTORCH -> new PytorchPredictor(dir, spec);
          };
      String digest = Checksums.digest(dir);
      return new LoadedModel(
          serving.name(),
          digest.substring(0, 12),
          spec,
          serving,
          predictor,
          digest,
          (System.nanoTime() - start) / 1e9,
          training(dir, json));
    } catch (IOException | IllegalArgumentException | JacksonException e) {
      throw new LoadException("cannot load the model in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException | LinkageError e) {
      // Typically a native library that cannot load: ONNX Runtime needs libstdc++, XGBoost needs
      // libgomp.so.1, and the base image must provide them.
      throw new LoadException(
          "cannot load the model in "
              + dir
              + ": "
              + e
              + ". If a native library failed to load, the base image lacks a system library:"
              + " ONNX Runtime needs libstdc++, XGBoost needs libgomp.so.1 (Debian/Ubuntu: libgomp1)",
          e);
    }
  }
}
