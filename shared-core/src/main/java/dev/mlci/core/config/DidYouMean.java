package dev.mlci.core.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Suggests the intended word for a misspelt or shortened one. */
public final class DidYouMean {
  private DidYouMean() {}

  /**
   * The candidate closest to {@code word}, if it is close enough to be a plausible misspelling: at
   * most a third of the word's length in edits (and at least 2), ignoring case, '-' versus '_'.
   */
  public static Optional<String> suggest(String word, Collection<String> candidates) {
    String w = normalize(word);
    int limit = Math.max(2, w.length() / 3);
    Optional<String> near =
        candidates.stream()
            .map(c -> new Scored(c, distance(w, normalize(c))))
            .filter(s -> s.distance <= limit)
            .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::candidate))
            .map(Scored::candidate);
    return near.isPresent() ? near : byPart(w, candidates);
  }

  /**
   * The one candidate that has {@code word} as one of its '_'-separated parts ({@code auc} in
   * {@code roc_auc}), if exactly one has.
   */
  private static Optional<String> byPart(String word, Collection<String> candidates) {
    List<String> matches =
        candidates.stream()
            .filter(c -> Arrays.asList(normalize(c).split("_")).contains(word))
            .toList();
    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
  }

  private record Scored(String candidate, int distance) {}

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[a.length()][b.length()];
  }
}
