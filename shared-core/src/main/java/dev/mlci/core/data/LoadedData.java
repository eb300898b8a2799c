package dev.mlci.core.data;

import dev.mlci.format.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a run: read, checked, split.
 *
 * @param files the files read
 * @param features feature column names, in input order
 * @param categorical per feature column, whether it is categorical
 * @param target the target and, for classification, the training classes
 * @param train training examples, in file order
 * @param test held-out examples, in file order
 * @param dropped rows dropped for missing values ({@code missing: drop})
 * @param trainingRecord present when the training rows were not read ({@code mlci evaluate} of the
 *     file train read, unchanged: {@link DataLoader#loadTestRows}); {@code train} is then empty and
 *     this says what train recorded of them
 */
public record LoadedData(
    List<DataFile> files,
    List<String> features,
    List<Boolean> categorical,
    TargetSpec target,
    List<DataRow> train,
    List<DataRow> test,
    int dropped,
    Optional<TrainingRecord> trainingRecord) {
  /** Data whose training and test rows were both read. */
  public LoadedData(
      List<DataFile> files,
      List<String> features,
      List<Boolean> categorical,
      TargetSpec target,
      List<DataRow> train,
      List<DataRow> test,
      int dropped) {
    this(files, features, categorical, target, train, test, dropped, Optional.empty());
  }

  public LoadedData {
    files = List.copyOf(files);
    features = List.copyOf(features);
    categorical = List.copyOf(categorical);
    // The loader's rows are column views (Rows); a copy would make a DataRow of every row.
    train = train instanceof Rows ? train : List.copyOf(train);
    test = test instanceof Rows ? test : List.copyOf(test);
    if (trainingRecord.isPresent() && !train.isEmpty()) {
      throw new IllegalArgumentException("training rows read need no record of them");
    }
  }

  /** The training rows: read, or as train recorded them. */
  public int trainSize() {
    return trainingRecord.map(TrainingRecord::rows).orElse(train.size());
  }

  /** Classification: the training rows of each class (read, or as train recorded them). */
  public Map<String, Long> trainClassCounts() {
    if (trainingRecord.isPresent()) {
      return trainingRecord.get().classCounts();
    }
    Map<String, Long> counts = new java.util.HashMap<>();
    for (int i = 0; i < train.size(); i++) {
      counts.merge(Rows.label(train, i), 1L, Long::sum);
    }
    return counts;
  }
}
