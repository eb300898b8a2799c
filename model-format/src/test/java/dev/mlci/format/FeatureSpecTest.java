package dev.mlci.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {
  private static FeatureSpec spec(boolean impute) {
    return new FeatureSpec(
        List.of(
            ColumnSpec.numeric("x", 10, 2, 11),
            ColumnSpec.categorical("c", List.of("blue", "red"), "red")),
        new TargetSpec("y", List.of("no", "yes"), Optional.of("yes")),
        List.of("", "NA"),
        impute);
  }

  @Test
  void encode_standardisesNumbersAndOneHotsCategories() {
    assertThat(spec(false).encode(new double[] {14, Double.NaN}, new String[] {null, "blue"}))
        .containsExactly(2.0, 1.0, 0.0);
    assertThat(spec(false).featureNames()).containsExactly("x", "c=blue", "c=red");
  }

  @Test
  void encode_unseenLevel_setsNoFeature() {
    assertThat(spec(false).encode(new double[] {10, 0}, new String[] {null, "green"}))
        .containsExactly(0.0, 0.0, 0.0);
  }

  @Test
  void encode_missing_isImputedOnlyWhenTheSpecSaysSo() {
    assertThat(spec(true).encode(new double[] {Double.NaN, 0}, new String[] {null, null}))
        .containsExactly(0.5, 0.0, 1.0);
    assertThatThrownBy(
            () -> spec(false).encode(new double[] {Double.NaN, 0}, new String[] {null, "red"}))
        .hasMessage("column 'x' has a missing value");
  }

  @Test
  void encodeNumericAndLevelIndex_giveWhatEncodeWrites() {
    FeatureSpec s = spec(true);

    assertThat(s.encodeNumeric(0, 14)).isEqualTo(2.0);
    assertThat(s.encodeNumeric(0, Double.NaN)).isEqualTo(0.5);
    assertThat(s.levelIndex(1, "red")).isEqualTo(1);
    assertThat(s.levelIndex(1, null)).isEqualTo(1);
    assertThat(s.levelIndex(1, "green")).isEqualTo(-1);
    assertThatThrownBy(() -> spec(false).encodeNumeric(0, Double.NaN))
        .hasMessage("column 'x' has a missing value");
    assertThatThrownBy(() -> spec(false).levelIndex(1, null))
        .hasMessage("column 'c' has a missing value");
    assertThatThrownBy(() -> s.levelIndex(0, "red")).hasMessage("column 'x' is numeric");
    assertThatThrownBy(() -> s.encodeNumeric(1, 1)).hasMessage("column 'c' is categorical");
  }

  @Test
  void json_roundTrips() {
    FeatureSpec s = spec(true);

    assertThat(FeatureSpecFormat.fromJson(FeatureSpecFormat.toJson(s))).isEqualTo(s);
  }

  @Test
  void fromJson_otherSchema_isRefused() {
    var json = FeatureSpecFormat.toJson(spec(true)).put("schema", "mlci.features/v9");

    assertThatThrownBy(() -> FeatureSpecFormat.fromJson(json))
        .hasMessageContaining("this version reads");
  }
}
