package dev.mlci.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a directory all at once: the content goes into a hidden sibling ({@code .NAME.tmp-*}),
 * which replaces the target only when it is complete. A failure part-way leaves the previous target
 * untouched and no temporary directory behind.
 *
 * <p>Replacing takes two renames (target to {@code .NAME.old-*}, staging to target). If the process
 * dies between them, the next write restores the old directory before it starts, and removes
 * leftovers of interrupted writes. A target that lacks the marker file is never replaced: it was
 * not written by us.
 */
public final class AtomicDirectory {

  /** Writes the content of a directory. */
  @FunctionalInterface
  public interface Writer<E extends Exception> {
    void write(Path directory) throws E, IOException;
  }

  /**
   * The target exists but was not written by mlci (it lacks the marker file), so it is left alone.
   */
  public static final class ForeignDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    ForeignDirectoryException(Path target, String marker) {
      super(target + " exists and has no " + marker + ", so mlci did not write it");
    }
  }

  private AtomicDirectory() {}

  /**
   * Writes {@code target} with {@code writer}.
   *
   * <p>If {@code target}'s parent does not exist it is created, and removed again when the write
   * fails (so a failed first run leaves nothing behind).
   *
   * @param marker a file every directory written this way contains; an existing target without it
   *     is refused
   */
  public static <E extends Exception> void write(Path target, String marker, Writer<E> writer)
      throws E, IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path createdRoot = firstMissing(parent);
    Files.createDirectories(parent);
    recover(target);
    if (Files.exists(target) && !Files.exists(target.resolve(marker))) {
      throw new ForeignDirectoryException(target, marker);
    }
    String token = UUID.randomUUID().toString().substring(0, 8);
    Path staging = parent.resolve(prefix(target, "tmp") + token);
    boolean done = false;
    try {
      Files.createDirectory(staging);
      writer.write(staging);
      swap(staging, target, parent.resolve(prefix(target, "old") + token));
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

  /**
   * Deletes {@code target} if it carries {@code marker} (it was written by mlci); a directory
   * without the marker is left alone.
   *
   * @return whether it was deleted
   */
  public static boolean deleteIfOurs(Path target, String marker) throws IOException {
    if (Files.isDirectory(target) && Files.exists(target.resolve(marker))) {
      deleteRecursively(target);
      return true;
    }
    return false;
  }

  private static String prefix(Path target, String kind) {
    return "." + target.getFileName() + "." + kind + "-";
  }

  /**
   * Cleans up after interrupted writes: restores a target lost between the two renames, drops
   * staging leftovers.
   */
  private static void recover(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    List<Path> olds = new ArrayList<>();
    List<Path> temps = new ArrayList<>();
    try (DirectoryStream<Path> siblings =
        Files.newDirectoryStream(parent, "." + target.getFileName() + ".*")) {
      for (Path p : siblings) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix(target, "old"))) {
          olds.add(p);
        } else if (name.startsWith(prefix(target, "tmp"))) {
          temps.add(p);
        }
      }
    }
    if (!Files.exists(target) && !olds.isEmpty()) {
      olds.sort(Comparator.comparing(AtomicDirectory::modified).reversed());
      Files.move(olds.remove(0), target, StandardCopyOption.ATOMIC_MOVE);
    }
    for (Path p : temps) {
      deleteRecursively(p);
    }
    for (Path p : olds) {
      deleteRecursively(p);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
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
      try {
        deleteRecursively(old);
      } catch (IOException e) {
        // The new directory is in place; the old one is removed by the next write's recovery.
      }
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
      } catch (NoSuchFileException e) {
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
