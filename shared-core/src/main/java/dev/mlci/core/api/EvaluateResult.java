package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code mlci evaluate} produced.
 *
 * @param evalDir the evaluation directory (metrics.json, predictions.csv, ...)
 * @param metrics defined metrics, in report order
 * @param undefined metrics that are undefined on this test set, and why
 * @param testExamples examples scored
 * @param millis wall time of the step
 * @param files the files written into {@code evalDir}
 * @param warnings things the user should know, e.g. test values of a category never seen in
 *     training
 * @param tracked where the run was recorded (local record, MLflow)
 */
public record EvaluateResult(
    Path evalDir,
    Map<String, Double> metrics,
    Map<String, String> undefined,
    int testExamples,
    long millis,
    List<String> files,
    List<String> warnings,
    TrackedRun tracked) {
  public EvaluateResult {
    files = List.copyOf(files);
    warnings = List.copyOf(warnings);
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    undefined = Collections.unmodifiableMap(new LinkedHashMap<>(undefined));
  }
}
