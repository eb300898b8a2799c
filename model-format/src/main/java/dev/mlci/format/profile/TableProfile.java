package dev.mlci.format.profile;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The profile of one table (the training or the test rows): its row count, one {@link
 * ColumnProfile} per feature column in input order, and the target's.
 *
 * @param rows the rows profiled
 * @param features the feature columns, in input order
 * @param target the target column's profile (a category for classification, a number for
 *     regression); empty where the target is not known (rows a server scores)
 */
public record TableProfile(
    long rows, List<ColumnProfile> features, Optional<ColumnProfile> target) {
  public TableProfile {
    if (rows < 0) {
      throw new IllegalArgumentException("a table has at least 0 rows, not " + rows);
    }
    features = List.copyOf(features);
    Objects.requireNonNull(target, "target");
  }

  /** The feature column named {@code name}. */
  public Optional<ColumnProfile> feature(String name) {
    return features.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
