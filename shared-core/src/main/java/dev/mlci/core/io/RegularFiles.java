package dev.mlci.core.io;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Inputs mlci reads whole (ml.yaml, data files, baseline bundles) must be regular files: a FIFO
 * blocks the read forever, a device never ends, a directory is no file. Each is refused with a
 * message before it is opened.
 */
public final class RegularFiles {
  private RegularFiles() {}

  /**
   * What {@code path} is when it exists but is not a regular file ("a named pipe (FIFO)", "a
   * character device", ...); empty for a regular file or a path that does not exist.
   */
  public static Optional<String> notRegular(Path path) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (a.isRegularFile()) {
      return Optional.empty();
    }
    if (a.isDirectory()) {
      return Optional.of("a directory");
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return Optional.of(
          switch (mode & 0170000) {
            case 0010000 -> "a named pipe (FIFO)";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "not a regular file";
          });
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.of("not a regular file");
    }
  }

  /**
   * Refuses {@code path} when it exists and is not a regular file.
   *
   * @param display the name in messages
   * @param field the flag or config key that named it, or empty
   */
  public static void require(Path path, String display, String field) throws BadInputException {
    Optional<String> kind = notRegular(path);
    if (kind.isPresent()) {
      throw new BadInputException(
          Problem.in(
              display,
              field,
              "this is " + kind.get() + ", not a regular file; mlci reads only regular files.",
              "point it at a regular file (copy the content into one)."));
    }
  }
}
