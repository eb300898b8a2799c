package dev.mlci.format.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProfilerTest {
  @Test
  void sketch_isNumpysLinearQuantile() {
    // numpy.quantile([1, 2, 3, 4], [0.125, 0.375, 0.625, 0.875]) = [1.375, 2.125, 2.875, 3.625]
    assertThat(Profiler.sketch(new double[] {1, 2, 3, 4}, 4))
        .containsExactly(new double[] {1.375, 2.125, 2.875, 3.625}, within(1e-12));
    assertThat(Profiler.sketch(new double[] {7}, 3)).containsExactly(7, 7, 7);
  }

  @Test
  void numbers_countMissingValues_andSummarise() {
    ColumnProfile p = Profiler.numbers("x", new double[] {3, Double.NaN, 1, 2});
    assertThat(p.count()).isEqualTo(3);
    assertThat(p.missing()).isEqualTo(1);
    assertThat(p.missingRate()).isEqualTo(0.25);
    assertThat(p.mean()).isEqualTo(2);
    assertThat(p.std()).isCloseTo(Math.sqrt(2.0 / 3), within(1e-15));
    assertThat(p.min()).isEqualTo(1);
    assertThat(p.max()).isEqualTo(3);
    assertThat(p.quantiles()).hasSize(Profiler.QUANTILES);
    ColumnProfile empty = Profiler.numbers("y", new double[] {Double.NaN});
    assertThat(empty.count()).isZero();
    assertThat(empty.quantiles()).isEmpty();
  }

  @Test
  void categories_keepTheTopOnes_andCountTheRestAsOther() {
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < Profiler.TOP_K + 5; i++) {
      counts.put("c" + i, (long) (1000 - i));
    }
    ColumnProfile p = Profiler.categories("c", counts, 7);
    assertThat(p.categories()).hasSize(Profiler.TOP_K);
    assertThat(p.categories().keySet().iterator().next()).isEqualTo("c0");
    assertThat(p.other()).isEqualTo(5 * 1000 - (100 + 101 + 102 + 103 + 104));
    assertThat(p.distinct()).isEqualTo(Profiler.TOP_K + 5);
    assertThat(p.complete()).isFalse();
    assertThat(p.missing()).isEqualTo(7);
    assertThat(Profiler.categories("d", new int[] {0, 1, 1, -1}, List.of("a", "b")).categories())
        .containsExactly(Map.entry("b", 2L), Map.entry("a", 1L));
  }

  @Test
  void json_roundTrips_andBadFieldsAreNamed() {
    TableProfile t =
        new TableProfile(
            4,
            List.of(
                Profiler.numbers("age", new double[] {30, 40, Double.NaN, 50}),
                Profiler.categories("city", Map.of("Paris", 3L), 1)),
            java.util.Optional.of(Profiler.categories("y", Map.of("0", 2L, "1", 2L), 0)));
    DataProfile p = new DataProfile(Map.of(DataProfile.TRAIN, t));
    JsonNode json = ProfileJson.write(p);
    assertThat(ProfileJson.read(JsonMapper.builder().build().readTree(json.toString())))
        .isEqualTo(p);
    String bad = json.toString().replace("\"missing\":1", "\"missing\":-1");
    assertThatThrownBy(() -> ProfileJson.read(JsonMapper.builder().build().readTree(bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'missing' of the column age of split train is not a count");
    assertThatThrownBy(
            () ->
                ProfileJson.read(
                    JsonMapper.builder().build().readTree("{\"schema\": \"mlci.profile/v9\"}")))
        .hasMessageContaining("this mlci reads 'mlci.profile/v1'");
  }

  @Test
  void binnedQuantiles_equalTheFullSort_onLargeColumns() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
    for (int kind = 0; kind < 4; kind++) {
      int n = 200_001;
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        double z = rng.nextGaussian();
        x[i] =
            switch (kind) {
              case 0 -> z;
              case 1 -> Math.exp(3 * z); // crowded into the first bins, a long tail
              case 2 -> rng.nextInt(7); // ties
              default -> i == 0 ? 1e12 : z; // one outlier: nearly everything in one bin
            };
      }
      double[] sorted = x.clone();
      java.util.Arrays.sort(sorted);
      assertThat(Profiler.numbers("x", x).quantiles())
          .as("kind %d", kind)
          .containsExactly(Profiler.sketch(sorted, Profiler.QUANTILES));
    }
  }
}
