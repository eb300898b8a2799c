package dev.mlci.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a directory all at once: the content goes into a hidden sibling, which replaces the target
 * only when it is complete. A failure part-way leaves the previous target untouched and no
 * temporary directory behind.
 */
public final class AtomicDirectory {

  /** Writes the content of a directory. */
  @FunctionalInterface
  public interface Writer<E extends Exception> {
    void write(Path directory) throws E, IOException;
  }

  private AtomicDirectory() {}

  /**
   * Writes {@code target} with {@code writer}.
   *
   * <p>If {@code target}'s parent does not exist it is created, and removed again when the write
   * fails (so a failed first run leaves nothing behind).
   */
  public static <E extends Exception> void write(Path target, Writer<E> writer)
      throws E, IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path createdRoot = firstMissing(parent);
    Files.createDirectories(parent);
    String token = UUID.randomUUID().toString().substring(0, 8);
    Path staging = parent.resolve("." + target.getFileName() + ".tmp-" + token);
    boolean done = false;
    try {
      Files.createDirectory(staging);
      writer.write(staging);
      swap(staging, target, parent.resolve("." + target.getFileName() + ".old-" + token));
      done = true;
    } finally {
      if (!done) {
        deleteRecursively(staging);
        if (createdRoot != null) {
          deleteEmptyUpTo(parent, createdRoot);
        }
      }
    }
  }

  private static void swap(Path staging, Path target, Path old) throws IOException {
    boolean hadOld = Files.exists(target);
    if (hadOld) {
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (hadOld) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    if (hadOld) {
      deleteRecursively(old);
    }
  }

  /**
   * The outermost ancestor of {@code dir} (or {@code dir} itself) that does not exist yet, or null.
   */
  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  private static void deleteEmptyUpTo(Path dir, Path root) throws IOException {
    for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
      try (Stream<Path> entries = Files.list(p)) {
        if (entries.findAny().isPresent()) {
          return;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      }
      Files.deleteIfExists(p);
    }
  }

  /** Deletes {@code path} and everything under it; absent is fine. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
