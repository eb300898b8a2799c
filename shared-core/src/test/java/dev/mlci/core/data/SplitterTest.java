package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.SplitConfig;
import dev.mlci.core.config.SplitStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitterTest {
  private static List<String> keys(int n) {
    return IntStream.range(0, n).mapToObj(i -> "id-" + i).toList();
  }

  @Test
  void hash_rowStaysInItsSet_whateverTheOtherRowsAndTheirOrder() {
    SplitConfig c = SplitConfig.defaults();
    List<String> keys = keys(1000);
    boolean[] all = Splitter.split(c, keys, null);

    List<String> shuffledSubset = new ArrayList<>(keys.subList(0, 600));
    Collections.shuffle(shuffledSubset, new java.util.Random(1));
    shuffledSubset.add("brand-new-row");
    boolean[] subset = Splitter.split(c, shuffledSubset, null);

    for (int i = 0; i < shuffledSubset.size() - 1; i++) {
      int original = Integer.parseInt(shuffledSubset.get(i).substring(3));
      assertThat(subset[i]).as(shuffledSubset.get(i)).isEqualTo(all[original]);
    }
  }

  @Test
  void hash_testShare_isCloseToTheFraction() {
    boolean[] test = Splitter.split(SplitConfig.defaults(), keys(20_000), null);
    long n = IntStream.range(0, test.length).filter(i -> test[i]).count();

    // Binomial(20000, 0.2): sd ~ 57; 5 sd either side.
    assertThat(n).isBetween(4000L - 285, 4000L + 285);
  }

  @Test
  void hash_isPinned_soSplitsNeverMoveBetweenReleases() {
    // Changing the hash would silently move rows between sets on every branch: pin it.
    assertThat(Splitter.hashUnit(42, "bc-0001")).isEqualTo(Splitter.hashUnit(42, "bc-0001"));
    assertThat(Splitter.hashUnit(42, "bc-0001")).isNotEqualTo(Splitter.hashUnit(43, "bc-0001"));
    // Independently: python3 -c "import hashlib,struct; d=hashlib.sha256(b'42:bc-0001').digest();
    // print((struct.unpack('>Q', d[:8])[0] >> 11) / 2**53)"
    assertThat(Splitter.hashUnit(42, "bc-0001")).isEqualTo(0.6964035162728567);
  }

  @Test
  void random_takesExactlyRoundedFraction_andIsSeeded() {
    SplitConfig c = new SplitConfig(0.25, 7, SplitStrategy.RANDOM);
    boolean[] a = Splitter.split(c, keys(10), null);
    boolean[] b = Splitter.split(c, keys(10), null);

    assertThat(a).isEqualTo(b);
    assertThat(IntStream.range(0, 10).filter(i -> a[i]).count()).isEqualTo(3); // round(2.5) = 3
  }

  @Test
  void stratified_keepsClassProportions() {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      labels.add(i < 90 ? "common" : "rare");
    }
    boolean[] test =
        Splitter.split(new SplitConfig(0.2, 1, SplitStrategy.STRATIFIED), keys(100), labels);

    assertThat(IntStream.range(0, 90).filter(i -> test[i]).count()).isEqualTo(18);
    assertThat(IntStream.range(90, 100).filter(i -> test[i]).count()).isEqualTo(2);
  }
}
