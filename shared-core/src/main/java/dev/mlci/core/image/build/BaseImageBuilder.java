package dev.mlci.core.image.build;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.progress.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds a minimal Java runtime base image offline, with Jib and no daemon: a jlink'd runtime of
 * the running JDK with the modules the model server needs ({@value #MODULES}), the system libraries
 * {@code ldd} lists for it and for the native libraries the model server carries (ONNX Runtime,
 * XGBoost) and for PyTorch's, at the paths {@code ldd} gives, {@code /tmp} with mode 1777, and a
 * non-root user ({@value #USER_NAME}, {@link ImageBuild#USER}) in {@code /etc/passwd} and {@code
 * /etc/group}. Every file has fixed permissions and the epoch as its time, and the image is created
 * at the epoch: the same JDK, libraries and server give the same digest.
 */
public final class BaseImageBuilder {
  /**
   * The modules {@code jdeps} lists for the model server's jars, and those the CLI needs besides
   * (HTTP clients, zip file systems, ...), so that one base serves both the serving images of
   * {@code mlci containerize} and the runner image of {@code mlci image cli}.
   */
  public static final String MODULES =
      "java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,"
          + "java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,"
          + "jdk.management,jdk.unsupported,jdk.crypto.ec,"
          + "java.net.http,jdk.zipfs,jdk.httpserver,java.instrument,java.prefs,jdk.charsets,"
          + "jdk.localedata,jdk.security.auth,jdk.naming.dns,jdk.crypto.cryptoki,java.rmi";

  /** Where the runtime lies in the image ({@code JAVA_HOME}). */
  public static final String JAVA_HOME = "/opt/java";

  /** The name of the image's non-root user, uid and gid 65532 as {@link ImageBuild#USER}. */
  public static final String USER_NAME = "mlci";

  private static final Pattern LDD_PATH = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");
  private static final Pattern LDD_MISSING = Pattern.compile("(\\S+)\\s+=>\\s+not found");
  private static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
  private static final FilePermissions READABLE = FilePermissions.fromOctalString("644");

  private BaseImageBuilder() {}

  /**
   * What to build.
   *
   * @param target a tar or registry location
   * @param tarReference the name the image carries inside a tarball
   * @param allowInsecureRegistries whether plain HTTP registries are allowed
   * @param cacheDir where the server distribution and PyTorch's libraries are unpacked
   * @param env the environment (registry credentials, {@code MLCI_SERVER_DIST})
   */
  public record Request(
      ImageLocation target,
      String tarReference,
      boolean allowInsecureRegistries,
      Path cacheDir,
      Map<String, String> env) {
    public Request {
      Objects.requireNonNull(target, "target");
      if (target instanceof ImageLocation.Docker) {
        throw new IllegalArgumentException(
            "a base image goes to tar://PATH or registry://REF, not " + target);
      }
      Objects.requireNonNull(tarReference, "tarReference");
      Objects.requireNonNull(cacheDir, "cacheDir");
      env = Map.copyOf(env);
    }
  }

  /**
   * What was built.
   *
   * @param reference the image's name
   * @param digest the image's digest ({@code sha256:...}): equal for equal inputs
   * @param javaVersion the runtime's version, that of the JDK mlci runs on
   * @param layers the layers, in order
   * @param systemLibraries the system libraries copied in, by their path in the image
   * @param warnings what the image may lack (a library {@code ldd} could not find, no PyTorch)
   */
  public record Built(
      String reference,
      String digest,
      String javaVersion,
      List<BuiltImage.Layer> layers,
      List<String> systemLibraries,
      List<String> warnings) {
    public Built {
      layers = List.copyOf(layers);
      systemLibraries = List.copyOf(systemLibraries);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Builds the base and delivers it.
   *
   * @throws ImageBuilder.BuildException naming what to install or fix
   */
  public static Built build(Request request, ProgressListener progress)
      throws ImageBuilder.BuildException, InterruptedException {
    Path work;
    try {
      Files.createDirectories(request.cacheDir());
      work = Files.createTempDirectory(request.cacheDir(), "base-image-");
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot create a work directory in " + request.cacheDir() + ": " + e.getMessage(),
          Fix.text(" Set MLCI_CACHE_DIR to a writable directory."),
          true,
          e);
    }
    try {
      return build(request, progress, work);
    } finally {
      try {
        AtomicDirectory.deleteRecursively(work);
      } catch (IOException ignored) {
        // A leftover work directory under the cache is harmless.
      }
    }
  }

  private static Built build(Request request, ProgressListener progress, Path work)
      throws ImageBuilder.BuildException, InterruptedException {
    requireLinux();
    List<String> warnings = new ArrayList<>();
    Path jre = work.resolve("jre");
    progress.info("jlink: a Java " + Runtime.version() + " runtime with " + MODULES);
    jlink(jre);
    Path natives;
    try {
      natives = natives(request, work, warnings);
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot read the model server's native libraries: " + e.getMessage(), true, e);
    }
    Set<String> libraries = new TreeSet<>();
    try {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> walk = Stream.concat(Files.walk(jre), Files.walk(natives))) {
        walk.filter(Files::isRegularFile)
            .filter(p -> isSharedLibrary(p) || p.equals(jre.resolve("bin/java")))
            .sorted()
            .forEach(files::add);
      }
      // The libraries the runtime and the jars carry find each other (as the JVM loads them);
      // ldd then lists only what the machine must provide.
      Set<String> carried = new TreeSet<>();
      Set<String> dirs = new TreeSet<>();
      for (Path f : files) {
        carried.add(f.getFileName().toString());
        dirs.add(f.getParent().toString());
      }
      String path = String.join(":", dirs);
      for (Path f : files) {
        ldd(f, work, path, carried, libraries, warnings);
      }
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot list the runtime's libraries: " + e.getMessage(), true, e);
    }
    progress.info("ldd: " + libraries.size() + " system libraries");
    List<FileEntriesLayer> layers;
    try {
      layers = List.of(systemLibraries(libraries), runtime(jre), root(work));
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot read the base image's files: " + e.getMessage(), true, e);
    }
    return containerize(request, layers, libraries, warnings, work, progress);
  }

  private static Built containerize(
      Request request,
      List<FileEntriesLayer> layers,
      Set<String> libraries,
      List<String> warnings,
      Path work,
      ProgressListener progress)
      throws ImageBuilder.BuildException, InterruptedException {
    List<String> jibWarnings = Collections.synchronizedList(new ArrayList<>());
    Consumer<LogEvent> log =
        e -> {
          switch (e.getLevel()) {
            case ERROR, WARN -> jibWarnings.add(e.getMessage());
            default -> {}
          }
        };
    Map<String, String> env = new TreeMap<>();
    env.put("JAVA_HOME", JAVA_HOME);
    env.put("PATH", JAVA_HOME + "/bin:/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    String javaVersion = Runtime.version().toString();
    var container =
        Jib.fromScratch()
            .setPlatforms(Set.of(new Platform(imageArchitecture(), "linux")))
            .setFileEntriesLayers(layers)
            .setEnvironment(env)
            .setUser(ImageBuild.USER)
            .setLabels(
                new TreeMap<>(
                    Map.of(
                        "org.opencontainers.image.title",
                        "mlci Java runtime base",
                        "org.opencontainers.image.description",
                        "A jlink'd Java "
                            + javaVersion
                            + " runtime with the system libraries of mlci's model server",
                        "org.opencontainers.image.version",
                        javaVersion)))
            .setCreationTime(Instant.EPOCH)
            .setFormat(ImageFormat.Docker);
    JibTarget target;
    try {
      target =
          JibTarget.of(request.target(), request.tarReference(), ".mlci-base-", request.env(), log);
    } catch (InvalidImageReferenceException e) {
      throw new ImageBuilder.BuildException(
          "'" + request.tarReference() + "' is not a valid image name", false, e);
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot write the image tarball: " + e.getMessage(), true, e);
    }
    Containerizer containerizer = target.containerizer();
    String reference = target.reference();
    containerizer
        .setAllowInsecureRegistries(request.allowInsecureRegistries())
        .setToolName("mlci")
        .setBaseImageLayersCache(work.resolve("jib-base"))
        .setApplicationLayersCache(work.resolve("jib-app"))
        .addEventHandler(LogEvent.class, log);
    progress.start("building the base image (" + request.target() + ")", 1, "image");
    JibContainer result;
    try (target) {
      result = container.containerize(containerizer);
      target.commit();
      progress.advance(1);
    } catch (RegistryException e) {
      throw registryFailure(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RegistryException r) {
        throw registryFailure(r);
      }
      throw new ImageBuilder.BuildException(
          "the base image build failed: " + ImageBuilder.describe(cause), true, cause);
    } catch (IOException | CacheDirectoryCreationException e) {
      throw new ImageBuilder.BuildException(
          "the base image build failed: " + ImageBuilder.describe(e), true, e);
    } finally {
      progress.finish();
    }
    List<BuiltImage.Layer> summary = JibTarget.summary(layers);
    List<String> all = new ArrayList<>(warnings);
    all.addAll(jibWarnings);
    return new Built(
        reference,
        result.getDigest().toString(),
        javaVersion,
        summary,
        List.copyOf(libraries),
        all);
  }

  private static ImageBuilder.BuildException registryFailure(RegistryException e) {
    String message = ImageBuilder.describe(e);
    Fix fix =
        e instanceof InsecureRegistryException || message.contains("insecure")
            ? ImageBuilder.INSECURE
            : Fix.text(
                " Check that the registry is running and reachable, and its credentials"
                    + " (docker login, or MLCI_REGISTRY_USERNAME and MLCI_REGISTRY_PASSWORD).");
    return new ImageBuilder.BuildException("the registry refused: " + message, fix, true, e);
  }

  private static void requireLinux() throws ImageBuilder.BuildException {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new ImageBuilder.BuildException(
          "a base image holds this machine's Java runtime and system libraries, so it is built on"
              + " Linux, and this is "
              + System.getProperty("os.name"),
          Fix.text(" Run mlci base-image on a Linux machine of the images' architecture."),
          true,
          null);
    }
  }

  /** The image's architecture in OCI terms, that of this machine's JDK. */
  static String imageArchitecture() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  /**
   * Runs the JDK's {@code jlink} as its own process, not in mlci's JVM: jlink's output ({@code
   * lib/modules}) depends on the iteration order of {@code Set.of}, whose salt is random per JVM
   * unless the JVM maps the JDK's CDS archive (which fixes it). The {@code jlink} launcher maps it
   * by default; mlci's JVM gave two different images in four builds.
   */
  private static void jlink(Path jre) throws ImageBuilder.BuildException, InterruptedException {
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    if (!Files.isExecutable(jlink)) {
      throw new ImageBuilder.BuildException(
          "this Java (" + System.getProperty("java.home") + ") has no jlink",
          Fix.text(
              " Run mlci with a JDK that has its jmods, e.g. Debian's openjdk-17-jdk-headless or"
                  + " Temurin's JDK."),
          true,
          null);
    }
    String out;
    int exit;
    try {
      Process p =
          new ProcessBuilder(
                  jlink.toString(),
                  "-J-Xshare:auto",
                  "--add-modules",
                  MODULES,
                  "--strip-debug",
                  "--no-header-files",
                  "--no-man-pages",
                  "--compress=2",
                  "--output",
                  jre.toString())
              .redirectErrorStream(true)
              .start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      exit = p.waitFor();
    } catch (IOException e) {
      throw new ImageBuilder.BuildException("cannot run " + jlink + ": " + e.getMessage(), true, e);
    }
    if (exit != 0) {
      throw new ImageBuilder.BuildException(
          "jlink failed (exit " + exit + "): " + out.strip(),
          Fix.text(
              " Run mlci with a full JDK: jlink needs the JDK's jmods (in Debian,"
                  + " openjdk-17-jdk-headless)."),
          true,
          null);
    }
  }

  /**
   * The native libraries of the model server's jars for this machine, and PyTorch's when this mlci
   * carries them, unpacked into {@code work/natives}: only to ask {@code ldd} what they link to.
   */
  private static Path natives(Request request, Path work, List<String> warnings)
      throws IOException {
    Path natives = Files.createDirectories(work.resolve("natives"));
    ServerRuntime server = ServerRuntime.locate(request.env(), request.cacheDir());
    int n = 0;
    for (Path jar : server.libraries()) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (ZipEntry e : Collections.list(zip.entries())) {
          if (!e.isDirectory() && forThisMachine(e.getName())) {
            Path into = Files.createDirectories(natives.resolve("server-" + n++));
            try (InputStream in = zip.getInputStream(e)) {
              Files.copy(in, into.resolve(Path.of(e.getName()).getFileName().toString()));
            }
          }
        }
      }
    }
    try {
      for (Path lib : PytorchNatives.unpack(request.cacheDir()).files()) {
        Path into = Files.createDirectories(natives.resolve("pytorch"));
        Files.copy(lib, into.resolve(lib.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      warnings.add(
          "no PyTorch native library to ask ldd about ("
              + e.getMessage()
              + "): images of mlp models on this base may miss system libraries");
    }
    return natives;
  }

  /** Whether a jar entry is a Linux native library for this machine's architecture. */
  static boolean forThisMachine(String entry) {
    String name = entry.toLowerCase(Locale.ROOT);
    if (!name.contains("linux") || !(name.endsWith(".so") || name.contains(".so."))) {
      return false;
    }
    List<String> names =
        imageArchitecture().equals("amd64")
            ? List.of("x86_64", "x64", "amd64", "x86-64")
            : List.of("aarch64", "arm64");
    return names.stream().anyMatch(name::contains) && !name.contains("musl");
  }

  private static boolean isSharedLibrary(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".so") || name.contains(".so.");
  }

  private static void ldd(
      Path file,
      Path work,
      String libraryPath,
      Set<String> carried,
      Set<String> libraries,
      List<String> warnings)
      throws ImageBuilder.BuildException, InterruptedException {
    String out;
    try {
      ProcessBuilder ldd = new ProcessBuilder("ldd", file.toString()).redirectErrorStream(true);
      ldd.environment().put("LD_LIBRARY_PATH", libraryPath);
      Process p = ldd.start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      throw new ImageBuilder.BuildException(
          "cannot run ldd on " + file.getFileName() + ": " + e.getMessage(),
          Fix.text(" Install glibc's ldd (Debian: libc-bin) and put it on the PATH."),
          true,
          e);
    }
    Matcher m = LDD_PATH.matcher(out);
    while (m.find()) {
      if (!m.group(1).startsWith(work.toString())) {
        libraries.add(m.group(1));
      }
    }
    Matcher missing = LDD_MISSING.matcher(out);
    while (missing.find()) {
      String name = missing.group(1);
      if (carries(carried, name) || name.contains("cuda")) {
        // Loaded from the jars at run time, or a GPU build's library: a CPU base has no GPU.
        continue;
      }
      warnings.add(
          "ldd finds no "
              + name
              + " (needed by "
              + file.getFileName()
              + ") on this machine; install it and build the base again");
    }
  }

  /**
   * Whether a library the jars carry answers {@code needed}: by its name, or as the file a
   * versioned soname stands for ({@code libonnxruntime.so} for {@code libonnxruntime.so.1}, which
   * ONNX Runtime's JNI library names and ONNX Runtime loads before it).
   */
  static boolean carries(Set<String> carried, String needed) {
    if (carried.contains(needed)) {
      return true;
    }
    int so = needed.indexOf(".so.");
    return so > 0 && carried.contains(needed.substring(0, so + 3));
  }

  private static FileEntriesLayer systemLibraries(Set<String> libraries) throws IOException {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("system libraries");
    for (String lib : libraries) {
      // The file's content at the path ldd names (a symbolic link on the host): the loader looks
      // there.
      layer.addEntry(
          Path.of(lib).toRealPath(), AbsoluteUnixPath.get(lib), EXECUTABLE, Instant.EPOCH);
    }
    return layer.build();
  }

  private static FileEntriesLayer runtime(Path jre) throws IOException {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("java runtime");
    try (Stream<Path> walk = Files.walk(jre)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(jre)) {
          continue;
        }
        boolean executable = Files.isDirectory(p) || Files.isExecutable(p);
        layer.addEntry(
            p,
            AbsoluteUnixPath.get(JAVA_HOME + "/" + jre.relativize(p).toString().replace('\\', '/')),
            executable ? EXECUTABLE : READABLE,
            Instant.EPOCH);
      }
    }
    return layer.build();
  }

  /** {@code /tmp} (1777), {@code /etc/passwd} and {@code /etc/group} with the user, its home. */
  private static FileEntriesLayer root(Path work) throws IOException {
    Path dir = Files.createDirectories(work.resolve("root"));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    String uid = ImageBuild.USER.substring(0, ImageBuild.USER.indexOf(':'));
    String gid = ImageBuild.USER.substring(ImageBuild.USER.indexOf(':') + 1);
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"),
            "root:x:0:0:root:/root:/sbin/nologin\n"
                + USER_NAME
                + ":x:"
                + uid
                + ":"
                + gid
                + ":"
                + USER_NAME
                + ":/home/"
                + USER_NAME
                + ":/sbin/nologin\n");
    Path group =
        Files.writeString(dir.resolve("group"), "root:x:0:\n" + USER_NAME + ":x:" + gid + ":\n");
    return FileEntriesLayer.builder()
        .setName("users and tmp")
        .addEntry(passwd, AbsoluteUnixPath.get("/etc/passwd"), READABLE, Instant.EPOCH)
        .addEntry(group, AbsoluteUnixPath.get("/etc/group"), READABLE, Instant.EPOCH)
        .addEntry(
            empty,
            AbsoluteUnixPath.get("/home/" + USER_NAME),
            EXECUTABLE,
            Instant.EPOCH,
            ImageBuild.USER)
        .addEntry(empty, AbsoluteUnixPath.get("/tmp"), stickyWorldWritable(), Instant.EPOCH)
        .build();
  }

  /**
   * Mode 1777 for {@code /tmp}. Jib's public factories take three octal digits only, while its
   * layer writer keeps every bit it is given ({@code ReproducibleLayerBuilder}); its
   * package-private {@code FilePermissions(int)} constructor takes the sticky bit too.
   * BaseImageBuilderTest reads the mode back from the built layer, so a Jib that drops it fails
   * there.
   */
  static FilePermissions stickyWorldWritable() {
    try {
      Constructor<FilePermissions> c = FilePermissions.class.getDeclaredConstructor(int.class);
      c.setAccessible(true);
      return c.newInstance(01777);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "this Jib's FilePermissions has no (int) constructor for /tmp's mode 1777: " + e, e);
    }
  }
}
