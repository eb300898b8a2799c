package dev.mlci.core.errors;

import java.util.Locale;

/**
 * Turns an {@link OutOfMemoryError} into exit code 3 with what mlci was doing, how big it was and
 * how to give the JVM more memory. Exit 1 stays reserved for a gate or verify verdict.
 */
public final class OutOfMemory {
  /** The variable the {@code mlci} wrapper, the Action and the Jenkins steps pass to java. */
  public static final String JAVA_OPTS = "MLCI_JAVA_OPTS";

  private OutOfMemory() {}

  /**
   * The failure of {@code doing} ("read data/big.csv", "train logistic on") at {@code rows} ×
   * {@code columns}.
   */
  public static EnvironmentException of(
      String doing, long rows, long columns, OutOfMemoryError error) {
    return new EnvironmentException(
        message(doing + " (" + rows + " rows × " + columns + " columns)"), error);
  }

  /** The failure of {@code doing}, sizes unknown. */
  public static EnvironmentException of(String doing, OutOfMemoryError error) {
    return new EnvironmentException(message(doing), error);
  }

  /** The message: what ran out, the heap it had, the fix. */
  public static String message(String doing) {
    long max = Runtime.getRuntime().maxMemory();
    long mib = max == Long.MAX_VALUE ? 0 : max >> 20;
    // Suggest twice the current heap, in whole GiB (at least 2).
    long suggest = Math.max(2, (2 * mib + 1023) / 1024);
    return String.format(
        Locale.ROOT,
        "not enough memory to %s with a Java heap of %d MiB; give the JVM more with %s=-Xmx%dg"
            + " (and a machine with that much free memory), or use less data.",
        doing,
        mib,
        JAVA_OPTS,
        suggest);
  }
}
