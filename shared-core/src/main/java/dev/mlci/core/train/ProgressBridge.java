package dev.mlci.core.train;

import dev.mlci.core.progress.ProgressListener;
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
  private static final Pattern BAGGING_LINE = Pattern.compile("Building model (\\d+)");

  private final Logger logger;
  private final Handler handler;
  private final Level previousLevel;
  private final boolean previousUseParent;

  private ProgressBridge(Logger logger, Handler handler) {
    this.logger = logger;
    this.handler = handler;
    this.previousLevel = logger.getLevel();
    this.previousUseParent = logger.getUseParentHandlers();
    logger.setLevel(Level.INFO);
    logger.setUseParentHandlers(false);
    logger.addHandler(handler);
  }

  /** Opens a bridge for the trainer's progress kind; closing it restores the logger. */
  static ProgressBridge open(TrainerCatalog.Progress kind, ProgressListener listener) {
    return switch (kind) {
      case SGD_ITERATIONS ->
          new ProgressBridge(Logger.getLogger(SGD_LOGGER), new SgdHandler(listener));
      case ENSEMBLE_MEMBERS ->
          new ProgressBridge(Logger.getLogger(BAGGING_LOGGER), new BaggingHandler(listener));
      case NONE -> new ProgressBridge(Logger.getLogger(SGD_LOGGER), new SilentHandler());
    };
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(previousLevel);
    logger.setUseParentHandlers(previousUseParent);
  }

  private abstract static class LineHandler extends Handler {
    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static final class SgdHandler extends LineHandler {
    private final ProgressListener listener;

    SgdHandler(ProgressListener listener) {
      this.listener = listener;
    }

    @Override
    public void publish(LogRecord record) {
      Matcher m = SGD_LINE.matcher(String.valueOf(record.getMessage()));
      if (m.find()) {
        long iteration = Long.parseLong(m.group(1));
        listener.advance(iteration);
        try {
          listener.metric("training_loss", iteration, Double.parseDouble(m.group(2)));
        } catch (NumberFormatException e) {
          // A non-numeric loss (NaN prints as "NaN", which parses) is not worth failing a training
          // run for.
        }
      }
    }
  }

  private static final class BaggingHandler extends LineHandler {
    private final ProgressListener listener;

    BaggingHandler(ProgressListener listener) {
      this.listener = listener;
    }

    @Override
    public void publish(LogRecord record) {
      Matcher m = BAGGING_LINE.matcher(String.valueOf(record.getMessage()));
      if (m.find()) {
        // "Building model i" is logged before member i (0-based) is trained: i members are done.
        listener.advance(Long.parseLong(m.group(1)));
      }
    }
  }

  private static final class SilentHandler extends LineHandler {
    @Override
    public void publish(LogRecord record) {}
  }
}
