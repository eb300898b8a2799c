package dev.mlci.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Starts the model server: verify and load the model, listen, and on SIGTERM finish in-flight
 * requests before exiting. A model that fails its checksums or cannot be loaded is logged and the
 * process exits with status 1.
 */
public final class Main {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    // Inference never downloads anything: DJL runs offline and caches under a writable path.
    System.setProperty("ai.djl.offline", "true");
    // ONNX Runtime would borrow PyTorch (on the class path for mlp models) as its "alternative
    // engine" and load its native library for every ONNX model; ONNX models need none.
    System.setProperty("ai.djl.onnx.disable_alternative", "true");
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", System.getProperty("java.io.tmpdir") + "/djl");
    }
    ServerConfig config;
    double halfLife;
    boolean monitor;
    try {
      config = ServerConfig.from(args, System.getenv());
      halfLife = DriftMonitor.halfLife(System.getenv());
      monitor = DriftMonitor.enabled(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.severe("bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    LoadedModel model;
    try {
      model =
          ModelLoader.load(
              config.modelDir(), Math.max(2, Runtime.getRuntime().availableProcessors()));
    } catch (ModelLoader.LoadException e) {
      LOG.log(Level.SEVERE, e.getMessage(), e.getCause());
      System.exit(1);
      return;
    }
    ServerMetrics metrics = new ServerMetrics(halfLife, monitor);
    metrics.modelLoaded(model);
    ModelServer server = new ModelServer(config, model, metrics, version());
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // JUL resets its handlers in its own shutdown hook, so these lines bypass it.
                  direct(Level.INFO, "shutting down: finishing in-flight requests");
                  server.shutdown();
                  direct(Level.INFO, "stopped");
                },
                "mlci-shutdown"));
    LOG.info(
        String.format(
            Locale.ROOT,
            "serving model '%s' version %s (%s backend, loaded in %.2f s) on %s:%d",
            model.name(),
            model.version(),
            model.predictor().backend(),
            model.loadSeconds(),
            config.host(),
            server.port()));
  }

  private static void direct(Level level, String message) {
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName(Main.class.getName());
    System.err.print(new JsonLogFormatter().format(record));
    System.err.flush();
  }

  /** JSON lines on standard error for every logger (Undertow, DJL and Tribuo included). */
  private static void configureLogging() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler console = new ConsoleHandler();
    console.setFormatter(new JsonLogFormatter());
    console.setLevel(Level.INFO);
    root.addHandler(console);
    root.setLevel(Level.INFO);
    // Libraries' start-up chatter is not news. Levels go through the LogManager's configuration:
    // a level set on a Logger object is lost when that object is garbage-collected.
    String levels =
        "org.xnio.level=WARNING\nio.undertow.level=WARNING\norg.tribuo.level=WARNING\n"
            + "ai.djl.level=WARNING\nai.djl.onnxruntime.level=SEVERE\n"
            + "com.oracle.labs.mlrg.olcut.level=WARNING\n";
    try {
      LogManager.getLogManager()
          .updateConfiguration(
              new ByteArrayInputStream(levels.getBytes(StandardCharsets.UTF_8)),
              key -> (oldValue, newValue) -> newValue == null ? oldValue : newValue);
    } catch (IOException e) {
      LOG.warning("cannot set library log levels: " + e.getMessage());
    }
  }

  static String version() {
    try (var in = Main.class.getResourceAsStream("/dev/mlci/format/mlci-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
