package dev.mlci.core.data;

import dev.mlci.core.config.SplitConfig;
import dev.mlci.format.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Decides which rows of one data file are held out for testing. */
public final class Splitter {
  private Splitter() {}

  /**
   * The hash-split coordinate of a row: a number in [0, 1) derived from SHA-256 of the seed and the
   * row's key. A row is in the test set iff this is below the test fraction, so its set depends on
   * nothing but its own key.
   */
  public static double hashUnit(long seed, String key) {
    byte[] digest = Digests.sha256().digest((seed + ":" + key).getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(digest, 0, 8).getLong();
    return (bits >>> 11) * 0x1.0p-53;
  }

  /**
   * Marks the test rows.
   *
   * @param keys per row, the id or content key the hash strategy uses
   * @param labels per row, the class (stratified strategy only; may be null otherwise)
   * @return per row, whether it is in the test set
   */
  public static boolean[] split(SplitConfig config, List<String> keys, List<String> labels) {
    double[] units = null;
    if (config.strategy() == dev.mlci.core.config.SplitStrategy.HASH) {
      units = new double[keys.size()];
      for (int i = 0; i < units.length; i++) {
        units[i] = hashUnit(config.seed(), keys.get(i));
      }
    }
    return split(config, keys.size(), units, labels == null ? null : labels::get);
  }

  /**
   * Marks the test rows.
   *
   * @param n rows
   * @param units per row, its {@link #hashUnit} (hash strategy only; may be null otherwise)
   * @param labels the class of row i (stratified strategy only; may be null otherwise)
   * @return per row, whether it is in the test set
   */
  public static boolean[] split(
      SplitConfig config, int n, double[] units, java.util.function.IntFunction<String> labels) {
    boolean[] test = new boolean[n];
    switch (config.strategy()) {
      case HASH -> {
        for (int i = 0; i < n; i++) {
          test[i] = units[i] < config.testFraction();
        }
      }
      case RANDOM -> {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          all.add(i);
        }
        markShuffledPrefix(all, config.testFraction(), new SplittableRandom(config.seed()), test);
      }
      case STRATIFIED -> {
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) {
          byClass.computeIfAbsent(labels.apply(i), k -> new ArrayList<>()).add(i);
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        for (List<Integer> members : byClass.values()) {
          markShuffledPrefix(members, config.testFraction(), rng, test);
        }
      }
    }
    return test;
  }

  private static void markShuffledPrefix(
      List<Integer> members, double fraction, SplittableRandom rng, boolean[] test) {
    int[] order = members.stream().mapToInt(Integer::intValue).toArray();
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    long take = Math.round(order.length * fraction);
    for (int i = 0; i < take; i++) {
      test[order[i]] = true;
    }
  }
}
