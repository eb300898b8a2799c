package dev.mlci.examples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Debian's docker-registry (the CNCF distribution registry) on a loopback port, with its own config
 * and storage: the real registry images are pushed to in the tests.
 */
final class LocalRegistry implements AutoCloseable {
  private final Process process;
  private final Path storage;
  private final int port;

  private LocalRegistry(Process process, Path storage, int port) {
    this.process = process;
    this.storage = storage;
    this.port = port;
  }

  static LocalRegistry start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path storage = Files.createDirectories(dir.resolve("storage"));
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: warn\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + storage
            + "\n  delete:\n    enabled: true\n"
            + "http:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    Process p =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    for (int i = 0; i < 100; i++) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return new LocalRegistry(p, storage, port);
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IOException(
              "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
        }
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException("docker-registry did not listen on port " + port);
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + port;
  }

  /** Digests of every blob the registry stores (layers, configs and manifests). */
  Set<String> blobs() throws IOException {
    Path root = storage.resolve("docker/registry/v2/blobs/sha256");
    Set<String> digests = new TreeSet<>();
    if (!Files.isDirectory(root)) {
      return digests;
    }
    try (Stream<Path> walk = Files.walk(root, 2)) {
      walk.filter(p -> root.relativize(p).getNameCount() == 2)
          .forEach(p -> digests.add("sha256:" + p.getFileName()));
    }
    return digests;
  }

  /** The manifest of {@code repository@digest}, from the registry's HTTP API. */
  JsonNode manifest(String repository, String digest) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://" + host() + "/v2/" + repository + "/manifests/" + digest))
                    .header(
                        "Accept",
                        "application/vnd.docker.distribution.manifest.v2+json,"
                            + " application/vnd.oci.image.manifest.v1+json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET manifest " + repository + "@" + digest + ": " + r.statusCode());
    }
    return Tools.JSON.readTree(r.body());
  }

  /**
   * The status of {@code GET /v2/REPOSITORY/manifests/REFERENCE}: 200 when the registry holds it,
   * 404 when not.
   */
  int manifestStatus(String repository, String reference) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://" + host() + "/v2/" + repository + "/manifests/" + reference))
                .header(
                    "Accept",
                    "application/vnd.docker.distribution.manifest.v2+json,"
                        + " application/vnd.oci.image.manifest.v1+json")
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The repositories the registry holds ({@code GET /v2/_catalog}). */
  Set<String> repositories() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/_catalog")).build(),
                HttpResponse.BodyHandlers.ofString());
    Set<String> names = new TreeSet<>();
    Tools.JSON.readTree(r.body()).path("repositories").forEach(n -> names.add(n.asString()));
    return names;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
