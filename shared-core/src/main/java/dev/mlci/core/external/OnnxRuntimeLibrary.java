package dev.mlci.core.external;

import com.sun.security.auth.module.UnixSystem;
import dev.mlci.format.onnx.OnnxGraph;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * ONNX Runtime's native libraries, unpacked once into mlci's cache folder instead of by every
 * process.
 *
 * <p>ONNX Runtime's Java binding ships its native libraries inside its jar and, unless told where
 * they are, inflates them (20 MB for {@code libonnxruntime.so}) into a new temporary folder each
 * time a process first uses it, then deletes them: 0.3 to 0.8 s of every {@code mlci train} and
 * {@code mlci evaluate} of a {@code trainer: external} model (bench/external, BENCHMARKS.md). Here
 * they are unpacked once per ONNX Runtime build into {@code <cache>/onnxruntime-<crc>}, checked
 * (size and CRC-32 against the jar's entries, so a truncated or altered file is replaced; owned by
 * this user and writable by nobody else, as the folder is created) and named to ONNX Runtime
 * through its documented {@code onnxruntime.native.path} system property. Anything unexpected (not
 * running from a jar, a platform without both libraries, a read-only cache) leaves ONNX Runtime to
 * its own loading: never slower, never an error.
 *
 * <p>The property is the one piece of process-wide state mlci sets: ONNX Runtime reads it once,
 * when it first loads; it is set only when unset, to a folder whose files were just verified.
 */
public final class OnnxRuntimeLibrary {
  /** ONNX Runtime's own property: the folder holding its native libraries. */
  static final String PROPERTY = "onnxruntime.native.path";

  private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};

  private OnnxRuntimeLibrary() {}

  /**
   * Points ONNX Runtime at verified copies of its native libraries under {@code cacheRoot},
   * unpacking them first when missing or damaged. Call before the process first uses ONNX Runtime.
   *
   * @return the folder, or empty when ONNX Runtime is left to load them its own way
   */
  public static Optional<Path> useCached(Path cacheRoot) {
    if (System.getProperty(PROPERTY) != null) {
      return Optional.empty();
    }
    Optional<Path> dir = unpack(cacheRoot);
    dir.ifPresent(d -> System.setProperty(PROPERTY, d.toString()));
    return dir;
  }

  /**
   * Starts ONNX Runtime in a background thread, as its first use would ({@link #useCached}, then
   * its native library and environment), for a step that will need it once a model exists: the
   * training command or the data is read meanwhile, on the other core. Wait for the returned future
   * before the step's first use; it never fails (a failure is met again, and reported, by that
   * use).
   */
  public static CompletableFuture<Void> startInBackground(Path cacheRoot) {
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                useCached(cacheRoot);
                OnnxGraph.start();
              } catch (RuntimeException e) {
                // Met again by the first use, which reports it.
              } finally {
                started.complete(null);
              }
            },
            "mlci-onnxruntime-start");
    t.setDaemon(true);
    t.start();
    return started;
  }

  /** Waits for {@link #startInBackground}; an interrupt is kept for the caller to notice. */
  public static void awaitStart(CompletableFuture<Void> started) {
    try {
      started.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // Never completed exceptionally.
    }
  }

  /**
   * The verified folder of native libraries under {@code cacheRoot}, unpacked from the jar if
   * needed; empty when that cannot be done.
   */
  static Optional<Path> unpack(Path cacheRoot) {
    String platform = platform();
    if (platform == null) {
      return Optional.empty();
    }
    List<Library> libraries = new ArrayList<>();
    long key = 0;
    for (String name : LIBRARIES) {
      String file = System.mapLibraryName(name);
      URL url =
          OnnxRuntimeLibrary.class.getResource("/ai/onnxruntime/native/" + platform + "/" + file);
      if (url == null) {
        return Optional.empty();
      }
      try {
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
          return Optional.empty();
        }
        JarEntry entry = jar.getJarEntry();
        if (entry.getCrc() < 0 || entry.getSize() < 0) {
          return Optional.empty();
        }
        libraries.add(new Library(file, url, entry.getSize(), entry.getCrc()));
        key = key * 31 + entry.getCrc() * 1_000_003L + entry.getSize();
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    Path dir = cacheRoot.resolve("onnxruntime-" + platform + "-" + Long.toHexString(key));
    if (verified(dir, libraries)) {
      return Optional.of(dir);
    }
    Path staging = null;
    try {
      Files.createDirectories(cacheRoot);
      staging = Files.createTempDirectory(cacheRoot, ".onnxruntime-");
      for (Library library : libraries) {
        try (InputStream in = library.url().openStream();
            OutputStream out = Files.newOutputStream(staging.resolve(library.file()))) {
          in.transferTo(out);
        }
      }
      if (!verified(staging, libraries)) {
        return Optional.empty();
      }
      deleteTree(dir); // a damaged copy
      try {
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another process unpacked the same libraries at the same time: use its copy.
      }
      return verified(dir, libraries) ? Optional.of(dir) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      if (staging != null) {
        deleteTree(staging);
      }
    }
  }

  /** One native library in the jar. */
  private record Library(String file, URL url, long size, long crc) {}

  /**
   * Whether {@code dir} holds every library with the jar's size and CRC-32, and (where the file
   * system has POSIX permissions) {@code dir} and the libraries belong to this process's user and
   * nobody else may write them: CRC-32 catches damage, not a library planted in a shared cache.
   */
  private static boolean verified(Path dir, List<Library> libraries) {
    if (!privateTo(dir)) {
      return false;
    }
    byte[] buffer = new byte[1 << 16];
    for (Library library : libraries) {
      Path file = dir.resolve(library.file());
      try {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            || !privateTo(file)
            || Files.size(file) != library.size()) {
          return false;
        }
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            crc.update(buffer, 0, n);
          }
        }
        if (crc.getValue() != library.crc()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code path} is owned by this process's user and not writable by group or others (true
   * where the file system has no POSIX attributes).
   */
  static boolean privateTo(Path path) {
    try {
      if (!Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
        return true;
      }
      Set<PosixFilePermission> permissions =
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      return !permissions.contains(PosixFilePermission.GROUP_WRITE)
          && !permissions.contains(PosixFilePermission.OTHERS_WRITE)
          && uid instanceof Integer owner
          && owner == new UnixSystem().getUid();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    } catch (LinkageError e) {
      return false; // no com.sun.security.auth on this JDK: do not trust a cached copy
    }
  }

  /** The folder name ONNX Runtime's jar uses for this platform, or null for another. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : null;
    String a =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
    return o == null || a == null ? null : o + "-" + a;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Left behind: harmless, and replaced on the next unpack.
    }
  }
}
