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
import java.util.Properties;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PyTorch's native library (DJL's {@code pytorch-native-cpu} jar, 111 MB) for the {@code mlp}
 * trainer, outside mlci.jar: teams that never train an mlp do not carry it. On first use it is
 * fetched from a Maven repository ({@link ArtifactResolver}: Maven Central, or the mirror {@code
 * MLCI_MAVEN_REPO} names), checked against the SHA-256 pinned here, and unpacked once into mlci's
 * cache folder; DJL then loads it in place through its documented {@code PYTORCH_LIBRARY_PATH},
 * {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR} settings (the same ones mlp serving images
 * use). Where the jar is on the class path (mlci's own tests, an embedding build) it is used as it
 * is and nothing is fetched.
 */
public final class PytorchLibrary {
  /**
   * The artifact, pinned: PyTorch 2.7.1 for linux-x86_64, the version DJL 0.36's pytorch-jni names.
   * The SHA-256 is that of the file Maven Central publishes (PinnedArtifactsTest checks it against
   * the copy the build resolved, and the version against the one on the build's class path).
   */
  public static final MavenArtifact ARTIFACT =
      new MavenArtifact(
          "ai.djl.pytorch",
          "pytorch-native-cpu",
          "2.7.1",
          "linux-x86_64",
          "1769928feaaa2389b4aa68390e7787ce1707290258b167d016a200fced4b8c39");

  static final String PROPERTIES = "native/lib/pytorch.properties";
  private static final String CLASSIFIER = "linux-x86_64";

  /** DJL's settings, read as environment variables or system properties. */
  static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";

  static final String VERSION = "PYTORCH_VERSION";
  static final String FLAVOR = "PYTORCH_FLAVOR";

  private PytorchLibrary() {}

  /**
   * The unpacked library.
   *
   * @param version PyTorch's version, e.g. {@code 2.7.1}
   * @param flavor the build, {@code cpu}
   * @param files the libraries, in the order DJL lists them, all in one folder
   */
  public record Unpacked(String version, String flavor, List<Path> files) {
    public Unpacked {
      files = List.copyOf(files);
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no libraries");
      }
    }

    /** The folder holding the libraries. */
    public Path dir() {
      return files.get(0).getParent();
    }
  }

  /** Whether the class path carries the library (then DJL finds it by itself). */
  public static boolean onClassPath() {
    return PytorchLibrary.class.getClassLoader().getResource(PROPERTIES) != null;
  }

  /** Whether mlci fetches the library on this platform (the artifact is for linux-x86_64). */
  static boolean supportedPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * Makes the library available to DJL in this process before the mlp trainer or model first uses
   * PyTorch: nothing when the class path carries it, when {@code PYTORCH_LIBRARY_PATH} is already
   * set, or on a platform other than linux-x86_64 (where the trainer says it cannot run); else
   * fetches and unpacks it and sets DJL's three system properties (only if unset).
   *
   * @throws EnvironmentException when the library cannot be fetched (offline, no mirror)
   */
  public static void prepare(Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException {
    if (onClassPath()
        || env.get(LIBRARY_PATH) != null
        || System.getProperty(LIBRARY_PATH) != null
        || !supportedPlatform()) {
      return;
    }
    Unpacked unpacked = unpack(env, cacheRoot, info);
    if (System.getProperty(VERSION) == null && env.get(VERSION) == null) {
      System.setProperty(VERSION, unpacked.version());
    }
    if (System.getProperty(FLAVOR) == null && env.get(FLAVOR) == null) {
      System.setProperty(FLAVOR, unpacked.flavor());
    }
    System.setProperty(LIBRARY_PATH, unpacked.dir().toString());
  }

  /**
   * The library's files, unpacked into {@code cacheRoot} when not already there: from the class
   * path when it carries them, else from the fetched artifact.
   *
   * @throws EnvironmentException when the artifact cannot be fetched or read
   */
  public static Unpacked unpack(Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException {
    try {
      if (onClassPath()) {
        ClassLoader loader = PytorchLibrary.class.getClassLoader();
        return unpack(cacheRoot, name -> loader.getResourceAsStream(name));
      }
      return fromArtifact(env, cacheRoot, info);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot unpack PyTorch's native library into " + cacheRoot + ": " + e.getMessage(), e);
    }
  }

  /** The library's files from the fetched artifact, whatever the class path holds. */
  static Unpacked fromArtifact(Map<String, String> env, Path cacheRoot, Consumer<String> info)
      throws EnvironmentException, IOException {
    Path marker = cacheRoot.resolve("pytorch-" + ARTIFACT.sha256().substring(0, 16) + ".unpacked");
    Optional<Unpacked> done = unpacked(marker);
    if (done.isPresent()) {
      return done.get();
    }
    Path jar = ArtifactResolver.resolve(ARTIFACT, env, cacheRoot, info);
    Unpacked unpacked;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      unpacked =
          unpack(
              cacheRoot,
              name -> {
                ZipEntry entry = zip.getEntry(name);
                return entry == null ? null : zip.getInputStream(entry);
              });
    }
    Properties p = new Properties();
    p.setProperty("version", unpacked.version());
    p.setProperty("flavor", unpacked.flavor());
    p.setProperty(
        "files", String.join(",", unpacked.files().stream().map(Path::toString).toList()));
    Path tmp = Files.createTempFile(cacheRoot, ".unpacked-", ".tmp");
    try {
      try (var out = Files.newOutputStream(tmp)) {
        p.store(out, ARTIFACT.coordinate() + " unpacked from the verified jar");
      }
      Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return unpacked;
  }

  /**
   * What an earlier run unpacked from the verified jar, when its marker and every file it lists are
   * still there.
   */
  private static Optional<Unpacked> unpacked(Path marker) {
    if (!Files.isRegularFile(marker)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(marker)) {
      p.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    List<Path> files = new ArrayList<>();
    for (String f : p.getProperty("files", "").split(",")) {
      if (f.isBlank() || !Files.isRegularFile(Path.of(f))) {
        return Optional.empty();
      }
      files.add(Path.of(f));
    }
    return files.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new Unpacked(p.getProperty("version", ""), p.getProperty("flavor", "cpu"), files));
  }

  /** Opens an entry of the jar, or null when it has none of that name. */
  private interface Source {
    InputStream open(String name) throws IOException;
  }

  private static Unpacked unpack(Path cacheRoot, Source source) throws IOException {
    Properties p = new Properties();
    try (InputStream in = source.open(PROPERTIES)) {
      if (in == null) {
        throw new IOException(ARTIFACT.fileName() + " has no " + PROPERTIES);
      }
      p.load(in);
    }
    String fullVersion = p.getProperty("version", "");
    String version = fullVersion.replaceFirst("-.*$", "");
    String flavor = p.getProperty("flavor", "cpu");
    Path dir = cacheRoot.resolve("pytorch-" + fullVersion + "-" + flavor + "-" + CLASSIFIER);
    List<Path> files = new ArrayList<>();
    for (String name : p.getProperty("libraries", "").split(",")) {
      if (name.isBlank()) {
        continue;
      }
      String resource = "pytorch/" + flavor + "/" + CLASSIFIER + "/" + name.strip();
      Path target = dir.resolve(name.strip());
      if (!Files.isRegularFile(target)) {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".unpacking-", ".tmp");
        try (InputStream in = source.open(resource)) {
          if (in == null) {
            throw new IOException("the PyTorch native library lacks " + resource);
          }
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      files.add(target);
    }
    if (files.isEmpty()) {
      throw new IOException(PROPERTIES + " lists no libraries");
    }
    return new Unpacked(version, flavor, files);
  }
}
