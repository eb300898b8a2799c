package dev.mlci.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Thread CPU of {@code DriftMonitor.observe} on one 256-row batch of the training CSV (bench/drift/observe.sh):
 * compiled against a server-dist, in the monitor's package because it is package-private. Bench-only.
 */
public final class DriftObserve {
  public static void main(String[] args) throws Exception {
    LoadedModel m = ModelLoader.load(Path.of(args[0]), 2);
    List<String> lines = Files.readAllLines(Path.of(args[1]));
    String[] header = lines.get(0).split(",");
    int k = m.spec().columns().size();
    int[] idx = new int[k];
    for (int c = 0; c < k; c++) {
      String name = m.spec().columns().get(c).name();
      for (int h = 0; h < header.length; h++) if (header[h].equals(name)) idx[c] = h;
    }
    Batch b = Batch.empty(m.spec(), 256);
    for (int r = 0; r < 256; r++) {
      String[] f = lines.get(1 + r % (lines.size() - 1)).split(",");
      for (int c = 0; c < k; c++) b.numeric()[r][c] = Double.parseDouble(f[idx[c]]);
    }
    DriftMonitor d = new DriftMonitor(m.spec(), m.training(), 3600, 2, System::nanoTime);
    var bean = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 6; round++) {
      long t0 = bean.getCurrentThreadCpuTime();
      int n = 20000;
      for (int i = 0; i < n; i++) d.observe(b);
      long t1 = bean.getCurrentThreadCpuTime();
      System.out.printf("round %d: %.1f us CPU per 256-row observe%n", round, (t1 - t0) / 1e3 / n);
    }
    System.out.println(d.snapshot().features().get(0));
  }
}
