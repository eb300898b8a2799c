package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.TargetSpec;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.Drift;
import dev.mlci.format.profile.Profiler;
import dev.mlci.format.profile.TableProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The drift monitor on known data: its values are the data gate's statistics ({@link Drift}) on the
 * rows, its decay halves old rows' weight per half-life, its stripes lose no row under concurrent
 * batches.
 */
class DriftMonitorTest {
  static final FeatureSpec SPEC =
      new FeatureSpec(
          List.of(
              ColumnSpec.numeric("x", 0, 1, 0),
              ColumnSpec.categorical("city", List.of("Paris", "Rome"), "Paris")),
          new TargetSpec("y", List.of("a", "b"), Optional.empty()),
          List.of(),
          false);

  static double[] normal(SplittableRandom rng, int n, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      double w = rng.nextDouble();
      v[i] = shift + Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
    }
    return v;
  }

  static TableProfile training(double[] x) {
    ColumnProfile xs = Profiler.numbers("x", x);
    ColumnProfile city = Profiler.categories("city", Map.of("Paris", 700L, "Rome", 300L), 0);
    return new TableProfile(x.length, List.of(xs, city), Optional.empty());
  }

  static Batch batch(double[] x, String[] city) {
    double[][] numeric = new double[x.length][2];
    String[][] categorical = new String[x.length][2];
    for (int i = 0; i < x.length; i++) {
      numeric[i][0] = x[i];
      numeric[i][1] = Double.NaN;
      categorical[i][1] = city[i];
    }
    return new Batch(x.length, numeric, categorical);
  }

  @Test
  void aShiftedBatch_measuresTheGatesStatistics() {
    SplittableRandom rng = new SplittableRandom(19);
    TableProfile ref = training(normal(rng, 5000, 0));
    DriftMonitor m = new DriftMonitor(SPEC, Optional.of(ref), 3600, 2, () -> 0L);
    double[] x = normal(rng, 2000, 0.5);
    String[] city = new String[x.length];
    for (int i = 0; i < city.length; i++) {
      city[i] = i % 10 == 0 ? "Oslo" : i % 2 == 0 ? "Rome" : "Paris";
    }
    m.observe(batch(x, city));

    DriftMonitor.Snapshot s = m.snapshot();
    assertThat(s.rows()).isEqualTo(2000);
    // The rows themselves against the training sketch; the bins differ only where the CDFs cross.
    double[] sorted = x.clone();
    java.util.Arrays.sort(sorted);
    ColumnProfile rx = ref.feature("x").orElseThrow();
    double raw = Drift.wassersteinSorted(rx.quantiles(), null, sorted, null) / Drift.scale(rx);
    assertThat(s.features().get(0).value()).isCloseTo(raw, within(0.005)).isGreaterThan(0.4);
    // Categories: the gate's Jensen-Shannon on the served rows as a profile (Oslo is unseen).
    ColumnProfile served =
        Profiler.categories("city", Map.of("Paris", 1000L, "Rome", 800L, "Oslo", 200L), 0);
    assertThat(s.features().get(1).value())
        .isCloseTo(Drift.jensenShannon(ref.feature("city").orElseThrow(), served), within(1e-12));
    assertThat(s.features().get(1).unseen()).isEqualTo(200);
  }

  @Test
  void oldRowsWeighHalfPerHalfLife() {
    SplittableRandom rng = new SplittableRandom(7);
    AtomicLong now = new AtomicLong();
    DriftMonitor m =
        new DriftMonitor(SPEC, Optional.of(training(normal(rng, 2000, 0))), 60, 1, now::get);
    String[] paris = new String[1000];
    java.util.Arrays.fill(paris, "Paris");
    m.observe(batch(normal(rng, 1000, 3), paris));
    assertThat(m.snapshot().windowRows()).isCloseTo(1000, within(1e-9));
    now.set(60_000_000_000L);
    assertThat(m.snapshot().windowRows()).isCloseTo(500, within(1e-9));
    // Ten half-lives later the shifted rows weigh 1/1024 of fresh unshifted ones: drift falls.
    double before = m.snapshot().features().get(0).value();
    now.set(660_000_000_000L);
    m.observe(batch(normal(rng, 1000, 0), paris));
    assertThat(m.snapshot().features().get(0).value()).isLessThan(before / 10);
    assertThat(m.snapshot().rows()).isEqualTo(2000);
    // Weights far beyond the double range are rescaled, not lost.
    now.set(600L * 60_000_000_000L * 1000);
    m.observe(batch(normal(rng, 10, 0), java.util.Arrays.copyOf(paris, 10)));
    assertThat(m.snapshot().windowRows()).isCloseTo(10, within(1e-9));
  }

  @Test
  void concurrentBatches_loseNoRow() throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    DriftMonitor m =
        new DriftMonitor(SPEC, Optional.of(training(normal(rng, 1000, 0))), 3600, 8, () -> 0L);
    String[] city = new String[10];
    java.util.Arrays.fill(city, "Lima");
    Batch b = batch(normal(rng, 10, 0), city);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 2000; i++) {
                  m.observe(b);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    DriftMonitor.Snapshot s = m.snapshot();
    assertThat(s.rows()).isEqualTo(6 * 2000 * 10);
    assertThat(s.features().get(1).unseen()).isEqualTo(6 * 2000 * 10);
    assertThat(s.windowRows()).isCloseTo(120_000, within(1e-6));
  }

  @Test
  void withoutATrainingProfile_countsButMeasuresNoDrift() {
    DriftMonitor m = new DriftMonitor(SPEC, Optional.empty(), 3600, 1, () -> 0L);
    m.observe(batch(new double[] {1, Double.NaN}, new String[] {"Oslo", null}));
    DriftMonitor.Snapshot s = m.snapshot();
    assertThat(s.features().get(0).value()).isNaN();
    assertThat(s.features().get(0).missing()).isEqualTo(1);
    assertThat(s.features().get(1).unseen()).isEqualTo(1);
    assertThat(s.features().get(1).missing()).isEqualTo(1);
  }

  @Test
  void upperBound_isTheBinWhereTheTrainingCdfIsConstant() {
    double[] edges = {1, 2, 2, 3};
    assertThat(DriftMonitor.upperBound(edges, 0.5)).isZero();
    assertThat(DriftMonitor.upperBound(edges, 1)).isEqualTo(1);
    assertThat(DriftMonitor.upperBound(edges, 2)).isEqualTo(3);
    assertThat(DriftMonitor.upperBound(edges, 9)).isEqualTo(4);
  }

  @Test
  void upperBound_countsTheEdgesAtMostTheValue_asALinearScanDoes() {
    java.util.Random random = new java.util.Random(21);
    for (int trial = 0; trial < 2000; trial++) {
      // Few distinct values, so edges repeat and values land on them, as with integer features.
      double[] edges = new double[random.nextInt(40)];
      for (int i = 0; i < edges.length; i++) {
        edges[i] = random.nextInt(12) - 6;
      }
      java.util.Arrays.sort(edges);
      for (double x :
          new double[] {
            random.nextInt(16) - 8,
            random.nextInt(16) - 8 + 0.5,
            -0.0,
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY
          }) {
        long atMost = java.util.Arrays.stream(edges).filter(e -> e <= x).count();
        assertThat(DriftMonitor.upperBound(edges, x))
            .as("edges %s, x %s", java.util.Arrays.toString(edges), x)
            .isEqualTo((int) atMost);
      }
    }
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> DriftMonitor.halfLife(Map.of("MLCI_DRIFT_HALF_LIFE_SECONDS", "-1")))
        .hasMessageContaining("MLCI_DRIFT_HALF_LIFE_SECONDS must be a number of seconds > 0");
    assertThat(DriftMonitor.halfLife(Map.of())).isEqualTo(3600);
    assertThatThrownBy(() -> DriftMonitor.enabled(Map.of("MLCI_DRIFT_MONITOR", "maybe")))
        .hasMessageContaining("MLCI_DRIFT_MONITOR must be 'on' or 'off'");
    assertThat(DriftMonitor.enabled(Map.of("MLCI_DRIFT_MONITOR", "off"))).isFalse();
  }
}
