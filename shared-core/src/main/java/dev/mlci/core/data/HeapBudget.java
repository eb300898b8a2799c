package dev.mlci.core.data;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.OutOfMemory;
import java.util.Locale;

/**
 * The memory model of loading, and the check that refuses a file the heap cannot hold before the
 * JVM runs out (exit 3 with the sizes and what to do, never an {@link OutOfMemoryError} half-way).
 *
 * <p>Per row loading keeps 8 bytes per numeric cell, 4 per categorical cell, 8 for the target (or 4
 * for its class), 8 for the row and line numbers, 4 for the train/test index and the id: 8 bytes of
 * a content hash, or the id string itself (about 56 bytes for a short one). While a file is read,
 * each row also holds 8 bytes for its split coordinate and 16 for its content digest (or, for an id
 * column, 16 to 32 bytes of the open-addressing index that checks the ids are unique).
 */
final class HeapBudget {
  /** The share of the free heap the loaded columns may take; the rest is headroom for the JVM. */
  static final double SHARE = 0.9;

  private final int numeric;
  private final int categorical;
  private final boolean explicitIds;

  HeapBudget(int numeric, int categorical, boolean explicitIds) {
    this.numeric = numeric;
    this.categorical = categorical;
    this.explicitIds = explicitIds;
  }

  /** Bytes per row while loading (kept and transient). */
  long bytesPerRow() {
    long kept = 8L * numeric + 4L * categorical + 8 + 8 + 4 + (explicitIds ? 56 : 8);
    long transientBytes = 8 + (explicitIds ? 32 : 24);
    return kept + transientBytes;
  }

  /** Heap the JVM can still give, in bytes. */
  static long available() {
    Runtime rt = Runtime.getRuntime();
    long max = rt.maxMemory();
    if (max == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return max - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Refuses when {@code moreRows} more rows will not fit in what the heap has left.
   *
   * @param rowsText the size as said in the message ("600000 rows", "about 10000000 rows")
   */
  void require(String display, long fileBytes, long moreRows, String rowsText, int columns)
      throws EnvironmentException {
    long need = moreRows * bytesPerRow();
    long available = available();
    if (available == Long.MAX_VALUE || need <= available * SHARE) {
      return;
    }
    // Used heap counts garbage not yet collected (the cells of a file read before): collect once,
    // only on this path, before refusing.
    System.gc();
    available = available();
    if (need <= available * SHARE) {
      return;
    }
    throw new EnvironmentException(
        OutOfMemory.message(
                String.format(
                    Locale.ROOT,
                    "read %s (%d bytes) (%s × %d columns need about %d MiB as columns, %d MiB of"
                        + " the heap are free)",
                    display,
                    fileBytes,
                    rowsText,
                    columns,
                    need >> 20,
                    available >> 20))
            + " Loading takes about "
            + bytesPerRow()
            + " bytes per row of this file (docs/operations.md, memory model); to train on a sample,"
            + " point data.path at fewer rows.",
        null);
  }
}
