import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

/**
 * Loads the data of an ML repository as `mlci train` does and prints the heap the loaded data holds
 * after a full GC, per cell and per numeric cell, and the load time. Run by bench/data-load/run.sh
 * (java's source launcher, the CLI jar on the class path).
 *
 *   java -cp mlci.jar LoadHeap.java REPO [ml.yaml]
 */
public class LoadHeap {
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    Path yaml = repo.resolve(args.length > 1 ? args[1] : "ml.yaml");
    LoadedConfig loaded = new ConfigLoader(repo).load(yaml);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long t0 = System.nanoTime();
    LoadedData data = new DataLoader(repo).load(loaded);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long after = usedAfterGc(memory);
    long rows = data.train().size() + data.test().size();
    long columns = data.features().size();
    long numeric = data.categorical().stream().filter(c -> !c).count();
    long bytes = after - before;
    System.out.printf(
        java.util.Locale.ROOT,
        "{\"file\": \"%s\", \"rows\": %d, \"features\": %d, \"numeric\": %d, \"load_s\": %.2f,"
            + " \"heap_mb\": %.1f, \"bytes_per_cell\": %.2f}%n",
        data.files().get(0).path(),
        rows,
        columns,
        numeric,
        seconds,
        bytes / 1e6,
        (double) bytes / (rows * columns));
    // Keep the data reachable until after the measurement.
    if (data.train().isEmpty()) {
      throw new AssertionError();
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
