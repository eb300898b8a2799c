package dev.mlci.format.profile;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the data gate and the serving monitor know of one column: its kind, how many values it has
 * and lacks, and its distribution (a quantile sketch for numbers, category counts for categories).
 * A few KB per column whatever the number of rows.
 *
 * @param name the column's name
 * @param kind number or category
 * @param count the values present
 * @param missing the values missing (empty cell, NaN)
 * @param mean the mean of the values (numbers; NaN for categories or without values)
 * @param std the population standard deviation (numbers; as numpy's {@code std}, ddof 0)
 * @param min the smallest value (numbers)
 * @param max the largest value (numbers)
 * @param quantiles numbers: the values at probabilities {@code (i + 0.5) / K}, {@code i = 0..K-1},
 *     linear interpolation between order statistics (numpy's default); empty without values
 * @param categories categories: the {@link Profiler#TOP_K} most frequent categories and their
 *     counts, most frequent first
 * @param other categories: the values of every category beyond the top ones
 * @param distinct categories: how many distinct categories there are
 */
public record ColumnProfile(
    String name,
    Kind kind,
    long count,
    long missing,
    double mean,
    double std,
    double min,
    double max,
    double[] quantiles,
    Map<String, Long> categories,
    long other,
    int distinct) {

  /** A column's kind. */
  public enum Kind {
    NUMBER,
    CATEGORY;

    /** The name used in ml.yaml and the profile's JSON. */
    public String yamlName() {
      return this == NUMBER ? "number" : "category";
    }

    /** The kind named {@code name} ({@code number} or {@code category}). */
    public static Kind fromYaml(String name) {
      return switch (name) {
        case "number" -> NUMBER;
        case "category" -> CATEGORY;
        default ->
            throw new IllegalArgumentException(
                "a column kind is 'number' or 'category', not '" + name + "'");
      };
    }
  }

  public ColumnProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (count < 0 || missing < 0 || other < 0 || distinct < 0) {
      throw new IllegalArgumentException("the profile of " + name + " has a negative count");
    }
    quantiles = quantiles.clone();
    for (int i = 1; i < quantiles.length; i++) {
      if (!(quantiles[i] >= quantiles[i - 1])) {
        throw new IllegalArgumentException(
            "the quantiles of " + name + " are not finite and ascending");
      }
    }
    if (quantiles.length > 0 && !Double.isFinite(quantiles[0])) {
      throw new IllegalArgumentException("the quantiles of " + name + " are not finite");
    }
    categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
    for (Map.Entry<String, Long> e : categories.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException(
            "the count of category '" + e.getKey() + "' of " + name + " is negative");
      }
    }
  }

  /** The quantile sketch (a copy). */
  @Override
  public double[] quantiles() {
    return quantiles.clone();
  }

  /** The share of values missing, 0 without rows. */
  public double missingRate() {
    long rows = count + missing;
    return rows == 0 ? 0 : (double) missing / rows;
  }

  /** Whether {@link #categories} lists every category (none was folded into {@link #other}). */
  public boolean complete() {
    return other == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnProfile c
        && name.equals(c.name)
        && kind == c.kind
        && count == c.count
        && missing == c.missing
        && Double.compare(mean, c.mean) == 0
        && Double.compare(std, c.std) == 0
        && Double.compare(min, c.min) == 0
        && Double.compare(max, c.max) == 0
        && Arrays.equals(quantiles, c.quantiles)
        && categories.equals(c.categories)
        && other == c.other
        && distinct == c.distinct;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, count, missing, Arrays.hashCode(quantiles), categories);
  }

  @Override
  public String toString() {
    return "ColumnProfile[" + name + ", " + kind.yamlName() + ", " + count + " values]";
  }
}
