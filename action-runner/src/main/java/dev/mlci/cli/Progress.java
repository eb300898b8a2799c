package dev.mlci.cli;

import dev.mlci.core.api.StepListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Renders progress on standard error: a redrawn bar with rate and ETA on a terminal, or plain lines
 * at most every {@link #PLAIN_INTERVAL_MS} ms (and at every tenth of long work) in CI logs, where
 * carriage returns would pile up. Status messages ({@link #info}) are printed in every style;
 * {@code quiet} silences everything.
 */
final class Progress implements StepListener {
  /** Shortest time between two plain progress lines. */
  static final long PLAIN_INTERVAL_MS = 5_000;

  private static final int BAR_WIDTH = 30;

  /** How progress is drawn. */
  enum Style {
    BAR,
    PLAIN,
    NONE
  }

  private final PrintWriter err;
  private final Style style;
  private final boolean quiet;
  private final LongSupplier nanos;

  private String task = "";
  private String unit = "";
  private long total = -1;
  private long started;
  private long lastPrinted;
  private long lastTenth = -1;
  private long done;
  private boolean active;
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private long metricStep;

  Progress(PrintWriter err, Style style, boolean quiet, LongSupplier nanos) {
    this.err = err;
    this.style = style;
    this.quiet = quiet;
    this.nanos = nanos;
  }

  /** Chooses the renderer for {@code mode} given whether standard error is a terminal. */
  static StepListener of(
      CommonOptions.ProgressMode mode, boolean terminal, boolean quiet, PrintWriter err) {
    Style style =
        switch (mode) {
          case none -> Style.NONE;
          case bar -> Style.BAR;
          case plain -> Style.PLAIN;
          case auto -> terminal ? Style.BAR : Style.PLAIN;
        };
    return new Progress(err, style, quiet, System::nanoTime);
  }

  private boolean drawing() {
    return !quiet && style != Style.NONE;
  }

  @Override
  public void start(String task, long total, String unit) {
    this.task = task;
    this.total = total;
    this.unit = unit;
    this.done = 0;
    this.started = nanos.getAsLong();
    this.lastPrinted = started;
    this.lastTenth = 0;
    this.active = true;
    metrics.clear();
    if (!drawing()) {
      return;
    }
    if (style == Style.BAR) {
      draw();
    } else {
      err.println(task + (total > 0 ? " (" + total + " " + unit + ")" : "") + " ...");
      err.flush();
    }
  }

  @Override
  public void advance(long done) {
    this.done = done;
    if (!active || !drawing()) {
      return;
    }
    long now = nanos.getAsLong();
    if (style == Style.BAR) {
      if (now - lastPrinted > 100_000_000L) {
        lastPrinted = now;
        draw();
      }
      return;
    }
    // A line every PLAIN_INTERVAL_MS, and one per tenth of the work once a task has run long enough
    // to watch.
    long tenth = total > 0 ? done * 10 / total : -1;
    boolean watchable = now - started >= 2_000_000_000L && now - lastPrinted >= 1_000_000_000L;
    if (now - lastPrinted >= PLAIN_INTERVAL_MS * 1_000_000L
        || (watchable && tenth > lastTenth && tenth < 10)) {
      lastPrinted = now;
      lastTenth = Math.max(lastTenth, tenth);
      err.println(line(now));
      err.flush();
    }
  }

  /** Keeps the latest value of each training metric (the loss), shown with the progress. */
  @Override
  public void metric(String name, long step, double value) {
    metrics.put(name, value);
    metricStep = step;
  }

  /** ", training_loss 0.0523, validation_loss 0.0610", or empty. */
  private String metricsText() {
    StringBuilder sb = new StringBuilder();
    metrics.forEach(
        (name, value) -> sb.append(String.format(Locale.ROOT, ", %s %.4g", name, value)));
    return sb.toString();
  }

  @Override
  public void finish() {
    if (!active) {
      return;
    }
    active = false;
    if (!drawing()) {
      return;
    }
    long now = nanos.getAsLong();
    if (style == Style.BAR) {
      draw();
      err.println();
    } else {
      err.println(
          task
              + ": done in "
              + seconds(now - started)
              + (metrics.isEmpty()
                  ? ""
                  : " (" + metricsText().substring(2) + " after " + metricStep + " " + unit + ")"));
    }
    err.flush();
  }

  @Override
  public void info(String message) {
    if (!quiet) {
      err.println(message);
      err.flush();
    }
  }

  private void draw() {
    err.print("\r" + line(nanos.getAsLong()) + "   ");
    err.flush();
  }

  /** One status line: task, bar or count, percentage, ETA and elapsed time. */
  String line(long now) {
    long elapsed = now - started;
    StringBuilder sb = new StringBuilder(task).append(' ');
    if (total > 0) {
      double fraction = Math.min(1.0, (double) done / total);
      if (style == Style.BAR) {
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        sb.append('[')
            .append("#".repeat(filled))
            .append(" ".repeat(BAR_WIDTH - filled))
            .append("] ");
      }
      sb.append(
          String.format(
              Locale.ROOT, "%3d%% %d/%d %s", Math.round(fraction * 100), done, total, unit));
      if ("rows".equals(unit) && done > 0 && elapsed > 0) {
        // Reading data: the rate says whether a slow load is the disk or the size.
        sb.append(String.format(Locale.ROOT, ", %.0f rows/s", done * 1e9 / elapsed));
      }
      if (done > 0 && done < total) {
        long remaining = (long) (elapsed * ((double) (total - done) / done));
        sb.append(", ETA ").append(seconds(remaining));
      }
    } else {
      sb.append("elapsed ");
    }
    sb.append(metricsText());
    sb.append(" (").append(seconds(elapsed)).append(')');
    return sb.toString();
  }

  private static String seconds(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    return d.toMinutes() > 0
        ? String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart())
        : String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
