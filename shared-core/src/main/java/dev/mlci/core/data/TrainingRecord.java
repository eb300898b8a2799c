package dev.mlci.core.data;

import dev.mlci.format.TargetSpec;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code mlci train} recorded in the model directory of the training rows of one data file
 * under a hash split: enough for {@code mlci evaluate} to read only the test rows of the same
 * (unchanged) file, see {@link DataLoader#loadTestRows}.
 *
 * @param sha256 the file's SHA-256 when it was trained on
 * @param rows the training rows (rows dropped for missing values not counted)
 * @param dropped rows of the file dropped for missing values, training and test
 * @param target the target and the training classes
 * @param classCounts classification: the training rows of each class; empty for regression
 */
public record TrainingRecord(
    String sha256, int rows, int dropped, TargetSpec target, Map<String, Long> classCounts) {
  public TrainingRecord {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(target, "target");
    if (rows < 0 || dropped < 0) {
      throw new IllegalArgumentException("a training record counts at least 0 rows");
    }
    classCounts = Map.copyOf(classCounts);
  }
}
