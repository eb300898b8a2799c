package dev.mlci.core.natives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mlci.core.errors.EnvironmentException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching a pinned artifact from a Maven repository: a {@code file://} repository and the JDK's
 * HTTP server serving the standard layout; checksums refused, offline errors worded.
 */
class ArtifactResolverTest {
  @TempDir Path dir;

  private static final byte[] CONTENT = "a jar's bytes".getBytes(StandardCharsets.UTF_8);

  private static MavenArtifact artifact(byte[] content) throws Exception {
    Path tmp = Files.createTempFile("artifact", ".jar");
    Files.write(tmp, content);
    String sha = ArtifactResolver.sha256(tmp);
    Files.delete(tmp);
    return new MavenArtifact("org.example.natives", "thing", "1.2.3", "linux-x86_64", sha);
  }

  private Path repository(MavenArtifact a, byte[] content) throws Exception {
    Path repo = dir.resolve("repo");
    Path file = repo.resolve(a.repositoryPath());
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return repo;
  }

  @Test
  void aFileRepository_isCopiedOnceAndVerified() throws Exception {
    MavenArtifact a = artifact(CONTENT);
    Path repo = repository(a, CONTENT);
    List<String> said = new ArrayList<>();
    Map<String, String> env = Map.of("MLCI_MAVEN_REPO", repo.toUri().toString());
    Path got = ArtifactResolver.resolve(a, env, dir.resolve("cache"), said::add);
    assertThat(got)
        .isEqualTo(
            dir.resolve(
                "cache/maven/org/example/natives/thing/1.2.3/thing-1.2.3-linux-x86_64.jar"));
    assertThat(got).hasBinaryContent(CONTENT);
    assertThat(said).singleElement().asString().contains("org.example.natives:thing:1.2.3");
    Files.delete(repo.resolve(a.repositoryPath()));
    assertThat(ArtifactResolver.resolve(a, env, dir.resolve("cache"), said::add)).isEqualTo(got);
    assertThat(said).hasSize(1);
  }

  @Test
  void anHttpRepository_servesTheMavenLayout_andADamagedCacheIsFetchedAgain() throws Exception {
    MavenArtifact a = artifact(CONTENT);
    AtomicInteger gets = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/maven2/",
        exchange -> {
          gets.incrementAndGet();
          boolean known =
              exchange.getRequestURI().getPath().equals("/maven2/" + a.repositoryPath());
          exchange.sendResponseHeaders(known ? 200 : 404, known ? CONTENT.length : -1);
          if (known) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(CONTENT);
            }
          }
          exchange.close();
        });
    server.start();
    try {
      Map<String, String> env =
          Map.of(
              "MLCI_MAVEN_REPO", "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/");
      Path got = ArtifactResolver.resolve(a, env, dir.resolve("cache"), m -> {});
      assertThat(got).hasBinaryContent(CONTENT);
      Files.writeString(got, "truncated");
      assertThat(ArtifactResolver.resolve(a, env, dir.resolve("cache"), m -> {}))
          .hasBinaryContent(CONTENT);
      assertThat(gets).hasValue(2);

      MavenArtifact absent = new MavenArtifact("org.example", "absent", "1.0", "", a.sha256());
      assertThatThrownBy(() -> ArtifactResolver.resolve(absent, env, dir.resolve("c"), m -> {}))
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("cannot fetch org.example:absent:1.0 from http://127.0.0.1:")
          .hasMessageContaining("/maven2/org/example/absent/1.0/absent-1.0.jar: HTTP 404")
          .hasMessageContaining("set MLCI_MAVEN_REPO to a Maven repository");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aFileWithAnotherChecksum_isRefusedAndNotKept() throws Exception {
    MavenArtifact a = artifact(CONTENT);
    Path repo = repository(a, "something else".getBytes(StandardCharsets.UTF_8));
    Map<String, String> env = Map.of("MLCI_MAVEN_REPO", repo.toUri().toString());
    assertThatThrownBy(() -> ArtifactResolver.resolve(a, env, dir.resolve("cache"), m -> {}))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("not the " + a.sha256() + " mlci pins")
        .hasMessageContaining("serves the published org.example.natives:thing:1.2.3");
    try (var files = Files.walk(dir.resolve("cache"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void offline_saysSoAndHowToPointAtAMirror() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    MavenArtifact a = artifact(CONTENT);
    Map<String, String> env = Map.of("MLCI_MAVEN_REPO", "http://127.0.0.1:" + port);
    assertThatThrownBy(() -> ArtifactResolver.resolve(a, env, dir.resolve("cache"), m -> {}))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("the repository cannot be reached")
        .hasMessageContaining("offline")
        .hasMessageContaining("file:///path/to/.m2/repository")
        .hasMessageContaining(dir.resolve("cache/maven/" + a.repositoryPath()).toString());
  }

  @Test
  void theDefault_isMavenCentral_andARepositoryMustBeAUrl() {
    assertThat(ArtifactResolver.repository(Map.of()))
        .isEqualTo("https://repo.maven.apache.org/maven2");
    assertThat(ArtifactResolver.repository(Map.of("MLCI_MAVEN_REPO", "https://m.example/r/")))
        .isEqualTo("https://m.example/r");
    assertThatThrownBy(
            () ->
                ArtifactResolver.resolve(
                    new MavenArtifact("g", "a", "1", "", "0".repeat(64)),
                    Map.of("MLCI_MAVEN_REPO", "/not/a/url"),
                    dir,
                    m -> {}))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("must be an https://, http:// or file:// URL");
  }
}
