package dev.mlci.core.image.build;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The model server as it goes into an image: third-party jars ({@code lib/}, the dependencies
 * layer) and mlci's own ({@code app/}, the server layer). mlci.jar carries it under {@value
 * #RESOURCE}; {@code MLCI_SERVER_DIST} may point at an unpacked distribution instead.
 *
 * @param root the distribution's directory
 * @param libraries third-party jars, sorted by name
 * @param application mlci's jars, sorted by name
 * @param mainClass the server's main class
 * @param version the server's version
 */
public record ServerRuntime(
    Path root, List<Path> libraries, List<Path> application, String mainClass, String version) {

  /** Where the distribution lies on the class path. */
  public static final String RESOURCE = "dev/mlci/server-dist";

  /** Environment variable naming an unpacked distribution to use instead. */
  public static final String ENV = "MLCI_SERVER_DIST";

  private static final String PROPERTIES = "dist.properties";

  public ServerRuntime {
    Objects.requireNonNull(root, "root");
    libraries = List.copyOf(libraries);
    application = List.copyOf(application);
    Objects.requireNonNull(mainClass, "mainClass");
    Objects.requireNonNull(version, "version");
    if (application.isEmpty()) {
      throw new IllegalArgumentException(root + " holds no server jar in app/");
    }
  }

  /**
   * Finds the distribution: {@code MLCI_SERVER_DIST}, else the one inside mlci.jar (unpacked once
   * into {@code cacheDir}, keyed by its content), else the class path directory it lies in.
   *
   * @throws IOException when there is none or it cannot be unpacked; the message says what to do
   */
  public static ServerRuntime locate(Map<String, String> env, Path cacheDir) throws IOException {
    String override = env.get(ENV);
    if (override != null && !override.isBlank()) {
      return open(Path.of(override));
    }
    URL url = ServerRuntime.class.getClassLoader().getResource(RESOURCE + "/" + PROPERTIES);
    if (url == null) {
      throw new IOException(
          "this mlci has no model server distribution inside (it is packaged into mlci.jar by the"
              + " build); use the released mlci.jar or set "
              + ENV
              + " to an unpacked mlci-model-server-*-dist.zip");
    }
    if (url.getProtocol().equals("file")) {
      try {
        return open(Path.of(url.toURI()).getParent());
      } catch (URISyntaxException e) {
        throw new IOException("cannot read " + url, e);
      }
    }
    if (!url.getProtocol().equals("jar")) {
      throw new IOException("cannot read the server distribution from " + url);
    }
    JarURLConnection connection = (JarURLConnection) url.openConnection();
    connection.setUseCaches(false);
    try (JarFile jar = connection.getJarFile()) {
      return open(unpack(jar, cacheDir));
    }
  }

  /** Reads an unpacked distribution. */
  public static ServerRuntime open(Path root) throws IOException {
    Path properties = root.resolve(PROPERTIES);
    if (!Files.isRegularFile(properties)) {
      throw new IOException(root + " is not a model server distribution: it has no " + PROPERTIES);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(properties)) {
      p.load(in);
    }
    return new ServerRuntime(
        root,
        jars(root.resolve("lib")),
        jars(root.resolve("app")),
        p.getProperty("main", "dev.mlci.server.Main"),
        p.getProperty("version", "unknown"));
  }

  private static List<Path> jars(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> jars =
          new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList());
      Collections.sort(jars);
      return jars;
    }
  }

  /**
   * Unpacks the distribution entries of {@code jar} into {@code cacheDir/<key>}, where the key is a
   * digest of their names, sizes and CRCs: the same distribution lands in the same directory, so
   * Jib's layer cache recognises its files on the next build.
   */
  private static Path unpack(JarFile jar, Path cacheDir) throws IOException {
    String prefix = RESOURCE + "/";
    List<JarEntry> entries =
        jar.stream()
            .filter(e -> e.getName().startsWith(prefix) && !e.isDirectory())
            .sorted(Comparator.comparing(JarEntry::getName))
            .toList();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (JarEntry e : entries) {
      sha.update(
          (e.getName() + ":" + e.getSize() + ":" + e.getCrc() + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    String key = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    Path target = cacheDir.resolve("server-dist").resolve(key);
    if (Files.isRegularFile(target.resolve(PROPERTIES))) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempDirectory(target.getParent(), key + ".tmp-");
    try {
      for (JarEntry e : entries) {
        Path out = temp.resolve(e.getName().substring(prefix.length())).normalize();
        if (!out.startsWith(temp)) {
          throw new IOException("unsafe entry in mlci.jar: " + e.getName());
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = jar.getInputStream(e)) {
          Files.copy(in, out);
        }
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another mlci unpacked the same distribution meanwhile; theirs is as good as ours.
        if (!Files.isRegularFile(target.resolve(PROPERTIES))) {
          throw e;
        }
      } catch (DirectoryNotEmptyException e) {
        if (!Files.isRegularFile(target.resolve(PROPERTIES))) {
          throw e;
        }
      }
    } finally {
      if (Files.exists(temp)) {
        dev.mlci.core.io.AtomicDirectory.deleteRecursively(temp);
      }
    }
    return target;
  }
}
