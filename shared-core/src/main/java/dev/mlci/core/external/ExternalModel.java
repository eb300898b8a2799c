package dev.mlci.core.external;

import dev.mlci.format.FeatureSpec;
import dev.mlci.format.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model the repository's own command trained and exported, checked by mlci.
 *
 * @param onnx the bytes of {@code model.onnx}
 * @param spec the input columns and target (no encoding: the exported graph holds its own)
 * @param run how the command ran
 * @param scriptMetrics the command's own numbers from {@code metrics.json} (tracked, never gated)
 * @param parity the parity check, when the command wrote {@code train_predictions.csv}
 * @param inputForm which input form the model takes
 * @param columnInputs the ONNX inputs of the per-column form (MLmodel's signature); empty for one
 *     tensor
 * @param trainingExamples rows handed to the command
 */
public record ExternalModel(
    byte[] onnx,
    FeatureSpec spec,
    CommandRun run,
    Map<String, Double> scriptMetrics,
    Optional<Parity> parity,
    String inputForm,
    List<OnnxGraph.ColumnInput> columnInputs,
    int trainingExamples) {
  public ExternalModel {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(run, "run");
    scriptMetrics = Map.copyOf(scriptMetrics);
    Objects.requireNonNull(parity, "parity");
    Objects.requireNonNull(inputForm, "inputForm");
    columnInputs = List.copyOf(columnInputs);
  }
}
