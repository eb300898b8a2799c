package dev.mlci.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A scoring server for a model directory in a process of its own on a loopback port: mlci's model
 * server from its distribution (the one images carry), or {@code mlflow models serve}.
 */
final class ScoringProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private ScoringProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** mlci's model server, unpacked from {@code mlci.server.zip}. */
  static ScoringProcess mlci(Path model, Path dir) throws IOException, InterruptedException {
    Path zip = Path.of(System.getProperty("mlci.server.zip"));
    Path dist = Files.createDirectories(dir.resolve("dist"));
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path target = dist.resolve(e.getName()).normalize();
        if (!target.startsWith(dist)) {
          throw new IOException("zip entry outside the directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        }
      }
    }
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return start(
        List.of(java, "-cp", dist + "/app/*:" + dist + "/lib/*", "dev.mlci.server.Main"),
        Map.of(
            "MLCI_MODEL_DIR", model.toString(),
            "MLCI_HOST", "127.0.0.1",
            "MLCI_PORT", Integer.toString(port)),
        dir,
        port);
  }

  /**
   * {@code mlflow models serve} in the current Python environment ({@code --env-manager local}).
   */
  static ScoringProcess mlflow(Path model, Path dir) throws IOException, InterruptedException {
    int port = freePort();
    return start(
        List.of(
            "mlflow",
            "models",
            "serve",
            "-m",
            model.toString(),
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-w",
            "1"),
        Map.of(),
        dir,
        port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static ScoringProcess start(List<String> cmd, Map<String, String> env, Path dir, int port)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve("server.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    ScoringProcess server = new ScoringProcess(p, log, port);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(cmd.get(0) + " exited: " + Files.readString(log));
      }
      try {
        HttpResponse<InputStream> r =
            http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/ping"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        if (r.statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    server.close();
    throw new IOException(cmd + " did not answer /ping within 120 s: " + Files.readString(log));
  }

  String uri() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
