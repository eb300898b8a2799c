package dev.mlci.core.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHA-256 pins are those of the files the build resolved (which Maven checked against Maven
 * Central's published checksums), of the versions on the build's class path; and what mlci.jar
 * fetches unpacks to the same libraries the class path carries.
 */
class PinnedArtifactsTest {
  @TempDir Path dir;

  /** The jar on the class path holding {@code resource}: a file of the local Maven repository. */
  private static Path jarOf(String resource) throws Exception {
    URL url = PinnedArtifactsTest.class.getClassLoader().getResource(resource);
    assertThat(url).as(resource).isNotNull();
    return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
  }

  private static Path localRepository(Path jar, MavenArtifact a) {
    assertThat(jar.toString().replace('\\', '/')).endsWith(a.repositoryPath());
    Path root = jar;
    for (String ignored : a.repositoryPath().split("/")) {
      root = root.getParent();
    }
    return root;
  }

  @Test
  void pytorch_pinIsTheResolvedJar_ofTheClassPathVersion() throws Exception {
    Path jar = jarOf(PytorchLibrary.PROPERTIES);
    localRepository(jar, PytorchLibrary.ARTIFACT);
    assertThat(ArtifactResolver.sha256(jar)).isEqualTo(PytorchLibrary.ARTIFACT.sha256());
    Properties p = new Properties();
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(PytorchLibrary.PROPERTIES)) {
      p.load(in);
    }
    assertThat(p.getProperty("version")).startsWith(PytorchLibrary.ARTIFACT.version() + "-");
  }

  @Test
  void onnxRuntime_pinIsTheResolvedJar_andUnpacksToTheClassPathsLibraries() throws Exception {
    Path jar = jarOf("ai/onnxruntime/OrtEnvironment.class");
    Path repo = localRepository(jar, OnnxRuntimeNatives.ARTIFACT);
    assertThat(ArtifactResolver.sha256(jar)).isEqualTo(OnnxRuntimeNatives.ARTIFACT.sha256());

    Path unpacked =
        OnnxRuntimeNatives.fromArtifact(
            "linux-x64", Map.of("MLCI_MAVEN_REPO", repo.toUri().toString()), dir, m -> {});
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (String name : new String[] {"libonnxruntime.so", "libonnxruntime4j_jni.so"}) {
        long crc = zip.getEntry("ai/onnxruntime/native/linux-x64/" + name).getCrc();
        CRC32 actual = new CRC32();
        actual.update(Files.readAllBytes(unpacked.resolve(name)));
        assertThat(actual.getValue()).as(name).isEqualTo(crc);
      }
    }
    assertThat(OnnxRuntimeNatives.onClassPath("linux-x64")).isTrue();
    assertThat(OnnxRuntimeNatives.onClassPath("riscv-128")).isFalse();
  }
}
