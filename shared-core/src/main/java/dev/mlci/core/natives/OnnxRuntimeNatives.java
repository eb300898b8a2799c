package dev.mlci.core.natives;

import dev.mlci.core.errors.EnvironmentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * ONNX Runtime's native libraries on platforms mlci.jar does not carry them for. mlci.jar holds
 * them for linux-x64 only (where CI runs; 7.5 MB of the 38 MB the five platforms take); on macOS,
 * linux-aarch64 and Windows the {@code trainer: external} steps fetch ONNX Runtime's own jar once
 * from the Maven repository ({@link ArtifactResolver}, SHA-256 pinned here), unpack this platform's
 * two libraries into mlci's cache folder and name them to ONNX Runtime through its documented
 * {@code onnxruntime.native.path} system property.
 */
public final class OnnxRuntimeNatives {
  /** ONNX Runtime 1.21.1, the version DJL 0.36's onnxruntime-engine depends on. */
  public static final MavenArtifact ARTIFACT =
      new MavenArtifact(
          "com.microsoft.onnxruntime",
          "onnxruntime",
          "1.21.1",
          "",
          "d0404a7c1fcfa2b9adb83d1aa5a729d284fc526fc7a2c8d09c3ca668a8b5ac82");

  /** ONNX Runtime's own property: the folder holding its native libraries. */
  static final String PROPERTY = "onnxruntime.native.path";

  private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};

  private OnnxRuntimeNatives() {}

  /**
   * Before the process first uses ONNX Runtime: when the class path lacks this platform's libraries
   * (and {@code onnxruntime.native.path} is unset), fetches and unpacks them and sets the property.
   * Nothing on a platform ONNX Runtime has no build for (its own error says so).
   *
   * @throws EnvironmentException when they cannot be fetched (offline, no mirror)
   */
  public static void prepare(Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException {
    String platform = platform();
    if (platform == null || System.getProperty(PROPERTY) != null || onClassPath(platform)) {
      return;
    }
    Path dir = fromArtifact(platform, env, cacheRoot, info);
    System.setProperty(PROPERTY, dir.toString());
  }

  static boolean onClassPath(String platform) {
    for (String name : LIBRARIES) {
      if (OnnxRuntimeNatives.class.getResource(resource(platform, name)) == null) {
        return false;
      }
    }
    return true;
  }

  private static String resource(String platform, String library) {
    return "/ai/onnxruntime/native/" + platform + "/" + System.mapLibraryName(library);
  }

  /** The folder of {@code platform}'s libraries from the fetched artifact, unpacked if needed. */
  static Path fromArtifact(
      String platform, Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException {
    Path dir =
        cacheRoot.resolve(
            "onnxruntime-" + platform + "-" + ARTIFACT.sha256().substring(0, 16) + "-maven");
    List<Path> files = new ArrayList<>();
    for (String name : LIBRARIES) {
      files.add(dir.resolve(System.mapLibraryName(name)));
    }
    if (files.stream().allMatch(Files::isRegularFile)) {
      return dir;
    }
    Path jar = ArtifactResolver.resolve(ARTIFACT, env, cacheRoot, info);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Files.createDirectories(dir);
      for (int i = 0; i < LIBRARIES.length; i++) {
        String entryName = resource(platform, LIBRARIES[i]).substring(1);
        Optional<ZipEntry> entry = Optional.ofNullable(zip.getEntry(entryName));
        if (entry.isEmpty()) {
          throw new IOException(ARTIFACT.fileName() + " has no " + entryName);
        }
        Path tmp = Files.createTempFile(dir, ".unpacking-", ".tmp");
        try (InputStream in = zip.getInputStream(entry.get())) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, files.get(i), StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot unpack ONNX Runtime's native libraries for "
              + platform
              + " into "
              + dir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The folder name ONNX Runtime's jar uses for this platform, or null for one it lacks. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o =
        os.contains("linux")
            ? "linux"
            : os.contains("mac") ? "osx" : os.contains("windows") ? "win" : null;
    String a =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
    if (o == null || a == null || (o.equals("win") && a.equals("aarch64"))) {
      return null;
    }
    return o + "-" + a;
  }
}
