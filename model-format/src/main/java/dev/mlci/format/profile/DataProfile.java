package dev.mlci.format.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The data profile of an evaluation: one {@link TableProfile} per split ({@value #TRAIN}, {@value
 * #TEST}), computed from the columns as they were loaded. Stored in the evaluation bundle (and so
 * in the git note and the registry's baseline) and, for serving, as {@value #FILE} in the model
 * directory. JSON format {@value #SCHEMA} ({@link ProfileJson}).
 *
 * @param splits the profile of each split, by name
 */
public record DataProfile(Map<String, TableProfile> splits) {
  public static final String SCHEMA = "mlci.profile/v1";

  /** The file in a model directory holding the training profile the server compares with. */
  public static final String FILE = "data-profile.json";

  public static final String TRAIN = "train";
  public static final String TEST = "test";

  public DataProfile {
    splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
  }

  /** The profile of {@code split}. */
  public Optional<TableProfile> split(String split) {
    return Optional.ofNullable(splits.get(split));
  }
}
