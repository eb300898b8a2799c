package dev.mlci.bench;

import dev.mlci.core.config.Metric;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.MetricFunction;
import dev.mlci.core.gate.Bootstrap;
import dev.mlci.core.gate.Interval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gate's paired bootstrap on 100,000 paired predictions with 2,000 resamples: the same data,
 * resampling scheme and metrics as {@code bench/gate/numpy_bootstrap.py}. The data file comes from
 * {@code bench/gate/generate.py} (system property {@code mlci.bench.pairs}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GateBootstrapBenchmark {
  @Param({"roc_auc", "accuracy"})
  public String metric;

  @Param({"2000"})
  public int resamples;

  private MetricFunction baseline;
  private MetricFunction candidate;
  private int n;

  @Setup(Level.Trial)
  public void load() throws IOException {
    Path file = Path.of(System.getProperty("mlci.bench.pairs", "bench/out/gate/pairs.csv"));
    List<String> lines = Files.readAllLines(file);
    n = lines.size() - 1;
    int[] truth = new int[n];
    int[] predBase = new int[n];
    int[] predCand = new int[n];
    double[][] scoreBase = new double[n][];
    double[][] scoreCand = new double[n][];
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      ids.add(f[0]);
      truth[i] = Integer.parseInt(f[1]);
      double sb = Double.parseDouble(f[2]);
      double sc = Double.parseDouble(f[3]);
      scoreBase[i] = new double[] {1 - sb, sb};
      scoreCand[i] = new double[] {1 - sc, sc};
      predBase[i] = sb >= 0.5 ? 1 : 0;
      predCand[i] = sc >= 0.5 ? 1 : 0;
    }
    Metric m = Metric.byId(metric).orElseThrow();
    baseline =
        MetricFunction.of(
            m,
            new ClassificationPredictions(
                ids, List.of("0", "1"), truth, predBase, scoreBase, true, 1));
    candidate =
        MetricFunction.of(
            m,
            new ClassificationPredictions(
                ids, List.of("0", "1"), truth, predCand, scoreCand, true, 1));
  }

  @Benchmark
  public Interval pairedBootstrap() {
    return Bootstrap.paired(baseline, candidate, n, true, 0.95, resamples, 42);
  }
}
