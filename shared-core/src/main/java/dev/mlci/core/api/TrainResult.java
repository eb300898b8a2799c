package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code mlci train} produced.
 *
 * @param modelDir the model directory
 * @param digest SHA-256 of the model's checksum file: identifies the model
 * @param trainer the trainer used
 * @param trainingExamples examples trained on
 * @param onnx whether an ONNX export was written
 * @param onnxSkipped why not, when it was not
 * @param millis wall time of the step
 * @param tracked where the run was recorded (local record, MLflow)
 */
public record TrainResult(
    Path modelDir,
    String digest,
    String trainer,
    int trainingExamples,
    boolean onnx,
    Optional<String> onnxSkipped,
    long millis,
    TrackedRun tracked) {}
