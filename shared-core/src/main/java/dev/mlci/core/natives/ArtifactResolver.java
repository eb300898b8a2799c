package dev.mlci.core.natives;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fetches a pinned {@link MavenArtifact} once into mlci's cache folder: from the Maven repository
 * {@code MLCI_MAVEN_REPO} names (an {@code https://}, {@code http://} or {@code file://} URL, e.g.
 * a company mirror or a local {@code ~/.m2/repository}), else Maven Central. The file is checked
 * against the SHA-256 mlci pins before it is kept (under its Maven path in {@code <cache>/maven/});
 * a cached copy is checked again before each use, so a truncated or altered file is fetched anew.
 * One GET of a known path, so the JDK's HTTP client rather than a Maven resolver library.
 */
public final class ArtifactResolver {
  /** The environment variable naming the Maven repository to fetch from. */
  public static final String REPOSITORY_VARIABLE = "MLCI_MAVEN_REPO";

  /** Maven Central, the default. */
  public static final String CENTRAL = "https://repo.maven.apache.org/maven2";

  private ArtifactResolver() {}

  /** The repository URL to fetch from: {@code MLCI_MAVEN_REPO}, else Maven Central. */
  public static String repository(Map<String, String> env) {
    String configured = env.get(REPOSITORY_VARIABLE);
    String repo = configured == null || configured.isBlank() ? CENTRAL : configured.strip();
    return repo.endsWith("/") ? repo.substring(0, repo.length() - 1) : repo;
  }

  /**
   * The artifact's file in {@code cacheRoot}, fetched and verified first when it is missing or does
   * not match its pinned SHA-256.
   *
   * @param info where to say that a download starts (it can take a while)
   * @throws EnvironmentException when the repository cannot be reached, does not hold the file, or
   *     serves a file with another SHA-256
   */
  public static Path resolve(
      MavenArtifact artifact, Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException {
    Path target = cacheRoot.resolve("maven").resolve(artifact.repositoryPath());
    if (Files.isRegularFile(target) && artifact.sha256().equals(sha256Quietly(target))) {
      return target;
    }
    String repo = repository(env);
    String url = repo + "/" + artifact.repositoryPath();
    Path part = null;
    try {
      Files.createDirectories(target.getParent());
      part = Files.createTempFile(target.getParent(), ".fetching-", ".part");
      info.accept("fetching " + artifact.coordinate() + " from " + repo + " (once; cached)");
      fetch(url, part);
      String actual = sha256(part);
      if (!actual.equals(artifact.sha256())) {
        throw new EnvironmentException(
            url + " has SHA-256 " + actual + ", not the " + artifact.sha256() + " mlci pins. ",
            Fix.of(
                "point "
                    + REPOSITORY_VARIABLE
                    + " at a Maven repository that serves the published "
                    + artifact.coordinate()
                    + " unchanged."),
            null);
      }
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot fetch " + artifact.coordinate() + " from " + url + ": " + describe(e) + ". ",
          Fix.of(
              "set "
                  + REPOSITORY_VARIABLE
                  + " to a Maven repository this machine can reach that holds it (a mirror, or"
                  + " file:///path/to/.m2/repository), or put the file at "
                  + target
                  + "."),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while fetching " + url, e);
    } finally {
      if (part != null) {
        try {
          Files.deleteIfExists(part);
        } catch (IOException e) {
          // A leftover .part file is ignored and replaced by the next fetch.
        }
      }
    }
  }

  private static void fetch(String url, Path to) throws IOException, InterruptedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IOException(REPOSITORY_VARIABLE + " is not a URL (" + e.getMessage() + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    switch (scheme) {
      case "file" -> {
        Path from = Path.of(uri);
        if (!Files.isRegularFile(from)) {
          throw new IOException("no such file");
        }
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      case "http", "https" -> {
        HttpClient client =
            HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                // The JVM's proxy settings (-Dhttps.proxyHost=...), as Maven and curl users expect.
                .proxy(java.net.ProxySelector.getDefault())
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        HttpRequest request =
            HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<Path> response =
            client.send(
                request,
                HttpResponse.BodyHandlers.ofFile(
                    to,
                    java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode());
        }
      }
      default ->
          throw new IOException(
              REPOSITORY_VARIABLE + " must be an https://, http:// or file:// URL");
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.net.UnknownHostException
        || e instanceof java.net.ConnectException
        || e instanceof java.net.http.HttpConnectTimeoutException) {
      return "the repository cannot be reached ("
          + kind
          + (message == null ? "" : ": " + message)
          + "; is this machine offline?)";
    }
    return message == null || message.isBlank() ? kind : message;
  }

  /** The file's SHA-256, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256Quietly(Path file) {
    try {
      return sha256(file);
    } catch (IOException e) {
      return "";
    }
  }
}
