package dev.mlci.examples;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A JRE base image built offline, since no base image can be pulled here: a jlink'd Java runtime of
 * this machine's JDK with the modules the model server needs, plus every shared library {@code ldd}
 * lists for it and for the server's native libraries (ONNX Runtime, XGBoost, PyTorch), at the paths
 * {@code ldd} gives. Pushed to the test registry and written as a docker-save tarball.
 */
final class JreBaseImage {
  /** The modules jdeps lists for the server's jars. */
  static final String MODULES =
      "java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,"
          + "java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,"
          + "jdk.management,jdk.unsupported,jdk.crypto.ec";

  private static final Pattern LDD = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

  private JreBaseImage() {}

  /**
   * Builds the base into {@code registry} as {@code repository} and into {@code tar}.
   *
   * @param serverDist the unpacked model server distribution (for its native libraries)
   */
  static void build(Path work, Path serverDist, String registryImage, Path tar) throws Exception {
    build(work, serverDist, registryImage, tar, MODULES);
  }

  /** As {@link #build(Path, Path, String, Path)} with the JRE's {@code modules}. */
  static void build(Path work, Path serverDist, String registryImage, Path tar, String modules)
      throws Exception {
    Path jre = work.resolve("jre");
    if (!Files.isDirectory(jre)) {
      Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
      Tools.Result r =
          Tools.exec(
              List.of(
                  jlink.toString(),
                  "--add-modules",
                  modules,
                  "--strip-debug",
                  "--no-header-files",
                  "--no-man-pages",
                  "--compress=2",
                  "--output",
                  jre.toString()),
              work);
      if (r.exit() != 0) {
        throw new IOException("jlink failed: " + r.err());
      }
    }
    Path natives = Files.createDirectories(work.resolve("natives"));
    extract(serverDist.resolve("lib"), "linux-x64/libonnxruntime.so", natives);
    extract(serverDist.resolve("lib"), "linux/x86_64/libxgboost4j.so", natives);
    // PyTorch (mlp images carry it in a layer of their own): the base needs what it links to.
    for (Path lib :
        dev.mlci.core.image.build.PytorchNatives.unpack(work.resolve("pytorch")).files()) {
      Files.copy(lib, natives.resolve(lib.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    TreeSet<String> libraries = new TreeSet<>();
    try (Stream<Path> walk = Stream.concat(Files.walk(jre), Files.walk(natives))) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && (name.endsWith(".so") || p.equals(jre.resolve("bin/java")))) {
          Tools.Result r = Tools.exec(List.of("ldd", p.toString()), work);
          Matcher m = LDD.matcher(r.out());
          while (m.find()) {
            if (!m.group(1).startsWith(jre.toString())
                && !m.group(1).startsWith(natives.toString())) {
              libraries.add(m.group(1));
            }
          }
        }
      }
    }
    FileEntriesLayer.Builder libs = FileEntriesLayer.builder().setName("system libraries");
    for (String lib : libraries) {
      Path real = Path.of(lib).toRealPath();
      libs.addEntry(
          real, AbsoluteUnixPath.get(lib), FilePermissions.fromOctalString("755"), Instant.EPOCH);
    }
    FileEntriesLayer.Builder java = FileEntriesLayer.builder().setName("jre");
    try (Stream<Path> walk = Files.walk(jre)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(jre)) {
          continue;
        }
        boolean executable = Files.isDirectory(p) || Files.isExecutable(p);
        java.addEntry(
            p,
            AbsoluteUnixPath.get("/opt/java/" + jre.relativize(p)),
            FilePermissions.fromOctalString(executable ? "755" : "644"),
            Instant.EPOCH);
      }
    }
    Path emptyDir = Files.createDirectories(work.resolve("empty"));
    FileEntriesLayer tmp =
        FileEntriesLayer.builder()
            .setName("tmp")
            .addEntry(
                emptyDir,
                AbsoluteUnixPath.get("/tmp"),
                FilePermissions.fromOctalString("777"),
                Instant.EPOCH)
            .build();
    JibContainerBuilder base =
        Jib.fromScratch()
            .setFileEntriesLayers(libs.build(), java.build(), tmp)
            .setEnvironment(Map.of("PATH", "/opt/java/bin:/usr/bin:/bin", "JAVA_HOME", "/opt/java"))
            .setCreationTime(Instant.EPOCH);
    base.containerize(
        Containerizer.to(RegistryImage.named(registryImage)).setAllowInsecureRegistries(true));
    base.containerize(Containerizer.to(TarImage.at(tar).named("mlci-test/jre17")));
  }

  private static void extract(Path lib, String suffix, Path into) throws IOException {
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path jar : (Iterable<Path>) jars::iterator) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (ZipEntry e : java.util.Collections.list(zip.entries())) {
            if (e.getName().endsWith(suffix)) {
              try (InputStream in = zip.getInputStream(e)) {
                Files.copy(
                    in,
                    into.resolve(Path.of(e.getName()).getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              }
              return;
            }
          }
        }
      }
    }
    throw new IOException("no " + suffix + " in the jars of " + lib);
  }
}
