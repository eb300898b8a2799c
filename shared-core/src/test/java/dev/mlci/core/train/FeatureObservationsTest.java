package dev.mlci.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.tribuo.CategoricalInfo;
import org.tribuo.MutableFeatureMap;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;

/**
 * A feature's statistics kept by FeatureObservations equal Tribuo's own ({@code
 * MutableFeatureMap.add} per value), field for field and in serialized form: columns that stay
 * categorical, that turn real at the threshold or just before it, with zeros, near-equal values,
 * non-finite values, observed one at a time or a column at a time.
 */
class FeatureObservationsTest {
  private static double[] column(int n, IntToDoubleFunction value) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = value.applyAsDouble(i);
    }
    return out;
  }

  private static VariableInfo tribuo(double[] values) {
    MutableFeatureMap map = new MutableFeatureMap();
    for (double v : values) {
      map.add("f", v);
    }
    return map.get("f");
  }

  private static VariableInfo observed(double[] values, boolean columnAtATime) {
    MutableFeatureMap map = new MutableFeatureMap();
    FeatureObservations o = new FeatureObservations(map, "f");
    if (columnAtATime) { // in uneven blocks, as FitInput hands them over
      for (int from = 0; from < values.length; from += 777) {
        int length = Math.min(777, values.length - from);
        double[] block = new double[1000];
        Arrays.fill(block, 12345.0); // past length: not to be observed
        System.arraycopy(values, from, block, 0, length);
        o.observeAll(block, length);
      }
    } else {
      for (double v : values) {
        o.observe(v);
      }
    }
    o.finish();
    return map.get("f");
  }

  private static void assertSameStatistics(double[] values, Class<?> expectedKind) {
    VariableInfo expected = tribuo(values);
    assertThat(expected).isInstanceOf(expectedKind);
    for (boolean columnAtATime : new boolean[] {false, true}) {
      VariableInfo actual = observed(values, columnAtATime);
      assertThat(actual).isEqualTo(expected);
      assertThat(actual.getClass()).isEqualTo(expected.getClass());
      assertThat(actual.serialize()).isEqualTo(expected.serialize());
    }
  }

  @Test
  void continuousColumnWithZeros_equalsTribuosRealInfo() {
    Random r = new Random(1);
    assertSameStatistics(
        column(20_000, i -> i % 7 == 0 ? 0.0 : r.nextGaussian() * 40 - 3), RealInfo.class);
  }

  @Test
  void fewDistinctValues_staysCategoricalAsInTribuo() {
    Random r = new Random(2);
    assertSameStatistics(column(5_000, i -> r.nextInt(50)), CategoricalInfo.class); // 49 non-zero
    assertSameStatistics(column(5_000, i -> r.nextInt(2)), CategoricalInfo.class); // one-hot
    assertSameStatistics(column(100, i -> 0.0), CategoricalInfo.class);
  }

  @Test
  void turningRealAtTheThreshold_equalsTribuo() {
    Random r = new Random(3);
    // 51 distinct non-zero values: real at the last new one, first seen late in the column.
    assertSameStatistics(column(5_000, i -> i == 4_000 ? 51 : 1 + r.nextInt(50)), RealInfo.class);
    // Exactly 50: stays categorical.
    assertSameStatistics(column(5_000, i -> 1 + r.nextInt(50)), CategoricalInfo.class);
  }

  @Test
  void nearEqualValuesAndNonFinite_equalTribuo() {
    Random r = new Random(4);
    // While one value is seen, Tribuo counts values within 1e-10 of it as that value.
    assertSameStatistics(column(300, i -> 5 + (i % 3) * 1e-11), CategoricalInfo.class);
    assertSameStatistics(
        column(300, i -> i < 100 ? 5 + (i % 3) * 1e-11 : r.nextDouble()), RealInfo.class);
    assertSameStatistics(
        column(
            1_000,
            i ->
                switch (i % 250) {
                  case 199 -> Double.NaN;
                  case 211 -> Double.POSITIVE_INFINITY;
                  case 223 -> -Double.MAX_VALUE;
                  default -> r.nextGaussian();
                }),
        RealInfo.class);
  }
}
