package dev.mlci.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the server runs. Every setting has an environment variable, so an image needs no arguments.
 *
 * @param modelDir the model directory ({@code MLCI_MODEL_DIR}, default {@value #DEFAULT_MODEL_DIR})
 * @param host address to listen on ({@code MLCI_HOST}, default {@value #DEFAULT_HOST})
 * @param port port ({@code MLCI_PORT}, else {@code PORT}, default {@value #DEFAULT_PORT})
 * @param maxBodyBytes largest request body accepted ({@code MLCI_MAX_BODY_BYTES}, default 10 MiB);
 *     larger: HTTP 413
 * @param idleTimeout how long an idle connection is kept ({@code MLCI_IDLE_TIMEOUT_SECONDS},
 *     default 60 s)
 * @param shutdownGrace how long in-flight requests may take after SIGTERM ({@code
 *     MLCI_SHUTDOWN_GRACE_SECONDS}, default 20 s)
 */
record ServerConfig(
    Path modelDir,
    String host,
    int port,
    long maxBodyBytes,
    Duration idleTimeout,
    Duration shutdownGrace) {
  static final String DEFAULT_MODEL_DIR = "/model";
  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 8080;
  static final long DEFAULT_MAX_BODY_BYTES = 10L << 20;

  ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException(
          "the body limit must be at least 1024 bytes, got " + maxBodyBytes);
    }
  }

  /**
   * The configuration from the environment; {@code args[0]}, when given, is the model directory.
   */
  static ServerConfig from(String[] args, Map<String, String> env) {
    String dir = args.length > 0 ? args[0] : env.getOrDefault("MLCI_MODEL_DIR", DEFAULT_MODEL_DIR);
    return new ServerConfig(
        Path.of(dir),
        env.getOrDefault("MLCI_HOST", DEFAULT_HOST),
        Integer.parseInt(
            env.getOrDefault(
                "MLCI_PORT", env.getOrDefault("PORT", Integer.toString(DEFAULT_PORT)))),
        Long.parseLong(
            env.getOrDefault("MLCI_MAX_BODY_BYTES", Long.toString(DEFAULT_MAX_BODY_BYTES))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("MLCI_IDLE_TIMEOUT_SECONDS", "60"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("MLCI_SHUTDOWN_GRACE_SECONDS", "20"))));
  }
}
