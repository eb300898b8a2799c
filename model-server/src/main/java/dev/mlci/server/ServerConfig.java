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
 * @param maxRows most rows in one request ({@code MLCI_MAX_ROWS}, default {@value
 *     #DEFAULT_MAX_ROWS}); more: HTTP 400
 * @param maxConcurrent requests decoded and scored at once ({@code MLCI_MAX_CONCURRENT}, default
 *     twice the processors), on threads of their own; others wait their turn with their body read,
 *     so memory stays bounded under any load (see {@link RequestLimits})
 * @param requestTimeout the most a request may take from its first byte to its answer ({@code
 *     MLCI_REQUEST_TIMEOUT_SECONDS}, default {@value #DEFAULT_REQUEST_TIMEOUT_SECONDS} s): a body
 *     still arriving then gets 408 and the connection is closed, however slowly it trickles
 * @param maxConnections most connections open at once ({@code MLCI_MAX_CONNECTIONS}, default
 *     {@value #DEFAULT_MAX_CONNECTIONS}); further ones wait in the listen backlog
 * @param idleTimeout how long an idle connection is kept ({@code MLCI_IDLE_TIMEOUT_SECONDS},
 *     default 60 s)
 * @param shutdownDelay after SIGTERM, how long the server keeps serving while readiness reports
 *     503, so a load balancer stops routing to it first ({@code MLCI_SHUTDOWN_DELAY_SECONDS},
 *     default 0; the Kubernetes manifests set 5)
 * @param shutdownGrace then, how long in-flight requests may take ({@code
 *     MLCI_SHUTDOWN_GRACE_SECONDS}, default 20 s)
 */
record ServerConfig(
    Path modelDir,
    String host,
    int port,
    long maxBodyBytes,
    int maxRows,
    int maxConcurrent,
    Duration requestTimeout,
    int maxConnections,
    Duration idleTimeout,
    Duration shutdownDelay,
    Duration shutdownGrace) {
  static final String DEFAULT_MODEL_DIR = "/model";
  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 8080;
  static final long DEFAULT_MAX_BODY_BYTES = 10L << 20;
  static final int DEFAULT_MAX_ROWS = 100_000;
  static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
  static final int DEFAULT_MAX_CONNECTIONS = 1000;

  ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "the body limit must be in 1024..2147483639 bytes, got " + maxBodyBytes);
    }
    if (maxRows < 1 || maxConcurrent < 1) {
      throw new IllegalArgumentException("the row and concurrency limits must be at least 1");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "MLCI_REQUEST_TIMEOUT_SECONDS must be at least 1, got " + requestTimeout.toSeconds());
    }
    if (maxConnections < 2) {
      throw new IllegalArgumentException(
          "MLCI_MAX_CONNECTIONS must be at least 2 (one for the probes), got " + maxConnections);
    }
  }

  /** A configuration for tests and embedding: the given limits, default timeouts. */
  static ServerConfig of(String host, int port, long maxBodyBytes, int maxRows) {
    return new ServerConfig(
        Path.of(DEFAULT_MODEL_DIR),
        host,
        port,
        maxBodyBytes,
        maxRows,
        2 * Runtime.getRuntime().availableProcessors(),
        Duration.ofSeconds(DEFAULT_REQUEST_TIMEOUT_SECONDS),
        DEFAULT_MAX_CONNECTIONS,
        Duration.ofSeconds(60),
        Duration.ZERO,
        Duration.ofSeconds(20));
  }

  /** This configuration with another request deadline and connection cap. */
  ServerConfig withRequestTimeout(Duration timeout, int connections) {
    return new ServerConfig(
        modelDir,
        host,
        port,
        maxBodyBytes,
        maxRows,
        maxConcurrent,
        timeout,
        connections,
        idleTimeout,
        shutdownDelay,
        shutdownGrace);
  }

  /**
   * The configuration from the environment; {@code args[0]}, when given, is the model directory.
   *
   * @throws IllegalArgumentException naming the variable and the value it needs
   */
  static ServerConfig from(String[] args, Map<String, String> env) {
    String dir = args.length > 0 ? args[0] : env.getOrDefault("MLCI_MODEL_DIR", DEFAULT_MODEL_DIR);
    String portVariable = env.containsKey("MLCI_PORT") ? "MLCI_PORT" : "PORT";
    return new ServerConfig(
        Path.of(dir),
        env.getOrDefault("MLCI_HOST", DEFAULT_HOST),
        (int) number(env, portVariable, DEFAULT_PORT),
        number(env, "MLCI_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        (int) number(env, "MLCI_MAX_ROWS", DEFAULT_MAX_ROWS),
        (int) number(env, "MLCI_MAX_CONCURRENT", 2L * Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(
            number(env, "MLCI_REQUEST_TIMEOUT_SECONDS", DEFAULT_REQUEST_TIMEOUT_SECONDS)),
        (int) number(env, "MLCI_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
        Duration.ofSeconds(number(env, "MLCI_IDLE_TIMEOUT_SECONDS", 60)),
        Duration.ofSeconds(number(env, "MLCI_SHUTDOWN_DELAY_SECONDS", 0)),
        Duration.ofSeconds(number(env, "MLCI_SHUTDOWN_GRACE_SECONDS", 20)));
  }

  private static long number(Map<String, String> env, String variable, long fallback) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          variable
              + "='"
              + value
              + "' is not a whole number in 0.."
              + Integer.MAX_VALUE
              + (value.contains("://")
                  ? " (it looks like a Kubernetes service link: set enableServiceLinks: false in"
                      + " the pod spec, or rename the Service)"
                  : ""));
    }
  }
}
