package dev.mlci.core.datagate;

import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.Rows;
import dev.mlci.core.io.Json;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.ProfileJson;
import dev.mlci.format.profile.Profiler;
import dev.mlci.format.profile.TableProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The data profile of loaded data: one {@link TableProfile} for the training rows and one for the
 * test rows, read from the columns the loader already holds (no second pass over the file). The
 * columns are profiled in parallel; sorting each numeric column for its quantiles is the main cost.
 */
public final class DataProfiles {
  private DataProfiles() {}

  /** The profile of {@code data}'s training and test rows. */
  public static DataProfile of(LoadedData data, boolean classification) {
    Map<String, TableProfile> splits = new LinkedHashMap<>();
    splits.put(DataProfile.TRAIN, table(data, data.train(), classification));
    splits.put(DataProfile.TEST, table(data, data.test(), classification));
    return new DataProfile(splits);
  }

  /**
   * The profile of training rows profiled before ({@code train}, as the model directory records
   * them) and of {@code data}'s test rows: what {@link #of} gives for the same rows, for data whose
   * training rows were not read again.
   */
  public static DataProfile of(TableProfile train, LoadedData data, boolean classification) {
    Map<String, TableProfile> splits = new LinkedHashMap<>();
    splits.put(DataProfile.TRAIN, train);
    splits.put(DataProfile.TEST, table(data, data.test(), classification));
    return new DataProfile(splits);
  }

  /**
   * The training rows' profile that {@code mlci train} wrote into the model directory {@code dir};
   * empty when it has none or cannot be read (then the rows are profiled again).
   */
  public static Optional<TableProfile> recordedTraining(Path dir) {
    Path file = dir.resolve(DataProfile.FILE);
    if (!java.nio.file.Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return ProfileJson.read(Json.read(file)).split(DataProfile.TRAIN);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The profile of {@code data}'s training rows alone: what {@code mlci train} writes into the
   * model directory as {@value DataProfile#FILE}, the reference the serving image measures drift
   * against.
   */
  public static DataProfile training(LoadedData data, boolean classification) {
    return new DataProfile(Map.of(DataProfile.TRAIN, table(data, data.train(), classification)));
  }

  /** Writes {@link #training} as {@value DataProfile#FILE} into the model directory {@code dir}. */
  public static void writeTraining(Path dir, LoadedData data, boolean classification)
      throws IOException {
    Json.write(dir.resolve(DataProfile.FILE), ProfileJson.write(training(data, classification)));
  }

  private static TableProfile table(LoadedData data, List<?> rowList, boolean classification) {
    if (!(rowList instanceof Rows rows)) {
      throw new IllegalArgumentException("the data was not loaded by column");
    }
    int width = data.features().size();
    ColumnProfile[] columns = new ColumnProfile[width];
    IntStream.range(0, width)
        .parallel()
        .forEach(
            f -> {
              String name = data.features().get(f);
              if (data.categorical().get(f)) {
                Map<String, Long> counts = rows.levelCounts(f);
                long present = counts.values().stream().mapToLong(Long::longValue).sum();
                columns[f] = Profiler.categories(name, counts, rows.size() - present);
              } else {
                columns[f] = Profiler.numbers(name, rows.numericColumn(f));
              }
            });
    String target = data.target().name();
    ColumnProfile targetProfile;
    if (classification) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        counts.merge(rows.label(i), 1L, Long::sum);
      }
      targetProfile = Profiler.categories(target, counts, 0);
    } else {
      double[] y = new double[rows.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = rows.target(i);
      }
      targetProfile = Profiler.numbers(target, y);
    }
    return new TableProfile(
        rows.size(), new ArrayList<>(List.of(columns)), Optional.of(targetProfile));
  }
}
