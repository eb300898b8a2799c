package dev.mlci.examples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real MLflow tracking server ({@code mlflow server}, from pip) on a loopback port: SQLite
 * backend, artifacts served through the server's proxy, as a team would run it.
 */
final class LocalMlflow implements AutoCloseable {
  /** How long a server may take to answer /health before its start counts as failed. */
  private static final int START_SECONDS = 300;

  private final Process process;
  private final Path log;
  private final int port;

  private LocalMlflow(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** uvicorn's HTTP/1.1 parsers, chosen with {@code mlflow server --uvicorn-opts "--http ..."}. */
  enum Parser {
    /** What {@code uvicorn[standard]} installs, and uvicorn's default when it is importable. */
    HTTPTOOLS,
    /** The pure-Python one, uvicorn's default without httptools. */
    H11
  }

  static LocalMlflow start(Path dir) throws IOException, InterruptedException {
    return start(dir, null, Parser.HTTPTOOLS);
  }

  static LocalMlflow start(Path dir, Parser parser) throws IOException, InterruptedException {
    return start(dir, null, parser);
  }

  /**
   * A server; with {@code adminPassword}, MLflow's basic-auth app guards it (user {@code admin}).
   */
  static LocalMlflow start(Path dir, String adminPassword)
      throws IOException, InterruptedException {
    return start(dir, adminPassword, Parser.HTTPTOOLS);
  }

  /** A server whose uvicorn parses HTTP with {@code parser}. */
  static LocalMlflow start(Path dir, String adminPassword, Parser parser)
      throws IOException, InterruptedException {
    // The free port is found before the server binds it, ~30 s later; on a shared machine another
    // process may take it meanwhile, so a server that lost its port is started again on another.
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir, adminPassword, parser);
      } catch (IOException e) {
        if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
          throw e;
        }
      }
    }
  }

  private static LocalMlflow startOnce(Path dir, String adminPassword, Parser parser)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    Path db = dir.resolve("mlflow.db");
    if (Files.notExists(db)) {
      Files.copy(migratedDatabase(), db);
    }
    Path log = dir.resolve("mlflow-server.log");
    List<String> command = new java.util.ArrayList<>(List.of("mlflow", "server"));
    if (adminPassword != null) {
      command.addAll(List.of("--app-name", "basic-auth"));
    }
    command.addAll(
        List.of(
            "--backend-store-uri",
            "sqlite:///" + db.toAbsolutePath(),
            "--artifacts-destination",
            dir.resolve("artifacts").toAbsolutePath().toString(),
            "--serve-artifacts",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--workers",
            "1",
            "--uvicorn-opts",
            "--http " + parser.name().toLowerCase(java.util.Locale.ROOT)));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // MLflow 3's job execution (GenAI scorers and trace jobs, nothing mlci calls) starts a job
    // runner and a pool of huey consumers with every server, each a Python process importing
    // mlflow: eight processes more per server, where each start already takes 10-30 s.
    pb.environment().put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false");
    if (adminPassword != null) {
      pb.environment().put("MLFLOW_AUTH_ADMIN_PASSWORD", adminPassword);
      pb.environment().put("MLFLOW_FLASK_SERVER_SECRET_KEY", "mlci-tests-only");
    }
    Process p = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    // Only a bound on a server that never comes up: a healthy one is used the moment it answers.
    // 300 s, not 120: at a load of 20 on the 2 cores (several builds at once) a start took longer.
    long deadline = System.nanoTime() + Duration.ofSeconds(START_SECONDS).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("mlflow server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new LocalMlflow(p, log, port);
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    stop(p);
    throw new IOException(
        "mlflow server did not answer within " + START_SECONDS + " s: " + Files.readString(log));
  }

  /**
   * An empty tracking database that MLflow's own store has created and migrated to its current
   * schema, made once per build under {@code target/} and copied for every server: creating and
   * migrating the tables is about half of a server's start-up (measured: 14 s of 27 s under load),
   * and four servers start in the MLflow tests. The copy is what {@code mlflow server} would make
   * on an empty URI, so the servers under test are unchanged.
   */
  private static Path migratedDatabase() throws IOException, InterruptedException {
    Path cacheDir = Tools.examples().resolve("target/mlflow-db-template");
    Path template = cacheDir.resolve("mlflow.db");
    if (Files.exists(template)) {
      return template;
    }
    Files.createDirectories(cacheDir);
    Path work = Files.createTempDirectory(cacheDir, "making-");
    Path fresh = work.resolve("mlflow.db");
    Tools.Result made =
        Tools.exec(
            List.of(
                Tools.mlflowPython(),
                "-c",
                "import sys\n"
                    + "from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore\n"
                    + "SqlAlchemyStore('sqlite:///' + sys.argv[1], sys.argv[2])\n",
                fresh.toAbsolutePath().toString(),
                work.resolve("artifacts").toAbsolutePath().toString()),
            work);
    if (made.exit() != 0 || Files.notExists(fresh)) {
      throw new IOException("MLflow could not create its tracking database: " + made.err());
    }
    try {
      Files.move(fresh, template, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException madeMeanwhile) {
      // another server of this build made it first: the same schema
    }
    Files.deleteIfExists(fresh);
    Files.deleteIfExists(work);
    return template;
  }

  String uri() {
    return "http://127.0.0.1:" + port;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** Stops the server and its worker processes, as an outage would. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
