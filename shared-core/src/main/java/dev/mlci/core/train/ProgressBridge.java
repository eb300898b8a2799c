package dev.mlci.core.train;

import dev.mlci.core.mlp.MlpTrainer;
import dev.mlci.core.progress.ProgressListener;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Tribuo's training log lines into progress events. Tribuo trainers have no progress
 * callback, but they log at fixed points through java.util.logging: the SGD trainers every {@code
 * loggingInterval} iterations with the average loss, the bagging trainers once per member. While a
 * bridge is open, those loggers report to it instead of the console.
 *
 * <p>The loggers are JVM-wide: one training at a time per JVM reports progress correctly.
 */
final class ProgressBridge implements AutoCloseable {
  static final String SGD_LOGGER = "org.tribuo.common.sgd.AbstractSGDTrainer";
  static final String BAGGING_LOGGER = "org.tribuo.ensemble.BaggingTrainer";

  private static final Pattern SGD_LINE =
      Pattern.compile("At iteration (\\d+), average loss = (\\S+)");
  private static final Pattern LBFGS_LINE =
      Pattern.compile("Iteration (\\d+), objective = (\\S+), gradient = (\\S+)");
  private static final Pattern BAGGING_LINE = Pattern.compile("Building model (\\d+)");
  private static final Pattern EPOCH_LINE =
      Pattern.compile("Epoch (\\d+), average loss = (\\S+), validation loss = (\\S+)");

  private static void metric(ProgressListener listener, String name, long step, String value) {
    double v = Double.parseDouble(value);
    if (Double.isFinite(v)) {
      listener.metric(name, step, v);
    }
  }

  private final Logger logger;
  private final Handler handler;
  private final Level savedLevel;
  private final boolean savedUseParents;

  private ProgressBridge(Logger logger, Handler handler) {
    this.logger = logger;
    this.handler = handler;
    if (logger != null) {
      // The CLI quiets java.util.logging to warnings; Tribuo's progress lines are INFO, so the
      // logger must let them through, to this handler only (not to the console).
      savedLevel = logger.getLevel();
      savedUseParents = logger.getUseParentHandlers();
      logger.setLevel(Level.INFO);
      logger.setUseParentHandlers(false);
      logger.addHandler(handler);
    } else {
      savedLevel = null;
      savedUseParents = true;
    }
  }

  /**
   * Opens a bridge for the trainer's progress kind (closing it detaches the handler); {@code
   * lossSign} turns the value Tribuo logs into a loss (lower is better): its classification
   * objectives (LogMulticlass, Hinge) log the negated loss, e.g. the log-likelihood, its regression
   * objectives the loss itself.
   */
  static ProgressBridge open(
      TrainerCatalog.Progress kind, ProgressListener listener, double lossSign) {
    long thread = Thread.currentThread().getId();
    return switch (kind) {
      case SGD_ITERATIONS ->
          new ProgressBridge(
              Logger.getLogger(SGD_LOGGER),
              new LineHandler(
                  thread,
                  SGD_LINE,
                  m -> {
                    long iteration = Long.parseLong(m.group(1));
                    listener.advance(iteration);
                    try {
                      listener.metric(
                          "training_loss", iteration, lossSign * Double.parseDouble(m.group(2)));
                    } catch (NumberFormatException e) {
                      // A loss Tribuo prints in a form we cannot read is not worth failing a
                      // training run for.
                    }
                  }));
      // L-BFGS logs the objective (a loss: lower is better) and the largest gradient component.
      case LBFGS_ITERATIONS ->
          new ProgressBridge(
              Logger.getLogger(LogisticLbfgsTrainer.LOGGER_NAME),
              new LineHandler(
                  thread,
                  LBFGS_LINE,
                  m -> {
                    long iteration = Long.parseLong(m.group(1));
                    listener.advance(iteration);
                    metric(listener, "training_loss", iteration, m.group(2));
                    metric(listener, "gradient_max_abs", iteration, m.group(3));
                  }));
      // "Building model i" is logged before member i (0-based) is trained: i members are done.
      case ENSEMBLE_MEMBERS ->
          new ProgressBridge(
              Logger.getLogger(BAGGING_LOGGER),
              new LineHandler(
                  thread, BAGGING_LINE, m -> listener.advance(Long.parseLong(m.group(1)))));
      // The mlp logs its own losses (already losses: lower is better), once per epoch.
      case EPOCHS ->
          new ProgressBridge(
              Logger.getLogger(MlpTrainer.LOGGER),
              new LineHandler(
                  thread,
                  EPOCH_LINE,
                  m -> {
                    long epoch = Long.parseLong(m.group(1));
                    listener.advance(epoch);
                    metric(listener, "training_loss", epoch, m.group(2));
                    metric(listener, "validation_loss", epoch, m.group(3));
                  }));
      case NONE -> new ProgressBridge(null, null);
    };
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.removeHandler(handler);
      logger.setLevel(savedLevel);
      logger.setUseParentHandlers(savedUseParents);
    }
  }

  /** Passes the matches of one pattern, logged from one thread, to an action. */
  private static final class LineHandler extends Handler {
    private final long thread;
    private final Pattern pattern;
    private final Consumer<Matcher> action;

    LineHandler(long thread, Pattern pattern, Consumer<Matcher> action) {
      this.thread = thread;
      this.pattern = pattern;
      this.action = action;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLongThreadID() != thread) {
        return;
      }
      Matcher m = pattern.matcher(String.valueOf(record.getMessage()));
      if (m.find()) {
        action.accept(m);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
