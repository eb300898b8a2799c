package dev.mlci.core.tracking;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's artifacts through the tracking server's artifact proxy ({@code
 * /api/2.0/mlflow-artifacts/artifacts}, served by {@code mlflow server --serve-artifacts}, the
 * default since MLflow 2.0): a file is one {@code PUT}, reading one is a {@code GET}. Both are
 * idempotent (a retried upload writes the same bytes to the same path), so both are retried; each
 * try may take longer the larger the file ({@link #transferTimeout}).
 */
final class MlflowArtifacts {
  private final MlflowHttp http;

  MlflowArtifacts(MlflowHttp http) {
    this.http = http;
  }

  /** Uploads {@code artifact} (a file, or every file under a directory) to {@code run}. */
  void upload(MlflowServer.ServerRun run, RunData.Artifact artifact) throws TrackingException {
    String root = proxyRoot(run);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(artifact.local())) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new TrackingException(
          "cannot read " + artifact.local() + " to upload it: " + e.getMessage(), e);
    }
    for (Path file : files) {
      String rel =
          Files.isDirectory(artifact.local())
              ? artifact.path()
                  + "/"
                  + artifact.local().relativize(file).toString().replace('\\', '/')
              : artifact.path();
      URI target = URI.create(root + "/" + encodePath(rel));
      long bytes;
      try {
        bytes = Files.size(file);
      } catch (IOException e) {
        throw new TrackingException("cannot read " + file + " to upload it: " + e.getMessage(), e);
      }
      Duration timeout = transferTimeout(bytes);
      http.call(
          "uploading artifact " + rel,
          timeout,
          attempt ->
              http.send(
                  http.request(target, timeout)
                      .header("Content-Type", "application/octet-stream")
                      .PUT(HttpRequest.BodyPublishers.ofFile(file)),
                  HttpResponse.BodyHandlers.ofString(),
                  timeout,
                  "PUT " + rel));
    }
  }

  /** The bytes of artifact {@code path} of {@code run}. */
  byte[] download(MlflowServer.ServerRun run, String path) throws TrackingException {
    URI source = URI.create(proxyRoot(run) + "/" + encodePath(path));
    Duration timeout = transferTimeout(100_000_000L);
    return http.call(
        "downloading artifact " + path + " of run " + run.runId(),
        timeout,
        attempt ->
            http.send(
                http.request(source, timeout).GET(),
                HttpResponse.BodyHandlers.ofByteArray(),
                timeout,
                "GET " + path + " of run " + run.runId()));
  }

  /** How long a transfer of {@code bytes} may take: the timeout, a minute more, 1 s per MB. */
  private Duration transferTimeout(long bytes) {
    return http.retry().timeout().plusSeconds(60 + bytes / 1_000_000);
  }

  /** The proxy URL of a run's artifact root, or why the server does not proxy its artifacts. */
  private String proxyRoot(MlflowServer.ServerRun run) throws TrackingException {
    String uri = run.artifactUri();
    if (!uri.startsWith("mlflow-artifacts:")) {
      throw new TrackingException(
          "the server stores this run's artifacts at "
              + uri
              + ", which mlci cannot write; start 'mlflow server' with artifact serving"
              + " (--serve-artifacts, the default since MLflow 2.0) so artifacts go through it",
          null);
    }
    String path = URI.create(uri).getPath();
    return http.base()
        + "/api/2.0/mlflow-artifacts/artifacts"
        + (path.startsWith("/") ? "" : "/")
        + path;
  }

  private static String encodePath(String path) {
    List<String> parts = new ArrayList<>();
    for (String segment : path.split("/")) {
      parts.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }
}
