package dev.mlci.core.io;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What mlci writes under {@code --out}, and the proof that it wrote it: every directory mlci writes
 * holds a marker file ({@value ModelFormat#OWNER_MARKER}) with mlci's own first line, and the files
 * mlci writes straight into {@code --out} (such as {@code tracking.json}) are listed in the marker
 * of {@code --out} itself. A user's {@code run.json} or any other file proves nothing.
 *
 * <p>The rule, for every step: a file or folder in the way that carries no such proof is the
 * user's; mlci refuses (exit 2, naming it and {@code --out}) and never overwrites or deletes it.
 * Steps call {@link #requireOwned} before any work, then write through {@link #write} (a whole
 * directory, atomically), {@link #openDir} (a store written bit by bit) and {@link #writeFile}.
 */
public final class OutputDirectory {
  /** The marker's file name. */
  public static final String MARKER = ModelFormat.OWNER_MARKER;

  /** The marker's first line: mlci's own content, which no other tool writes there. */
  public static final String HEADER =
      "mlci output: written by mlci, which replaces or deletes only what this marker covers.";

  private static final String FILE_LINE = "file ";

  private OutputDirectory() {}

  /**
   * Refuses when any of {@code names} under {@code out} exists and is not mlci's. Writes nothing.
   *
   * @param out the output directory ({@code --out})
   * @param names the files and directories the step is about to write or replace
   */
  public static void requireOwned(Path out, String... names) throws BadInputException {
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(out)) {
      throw new BadInputException(
          Problem.in(
              out.toString(),
              "",
              "the output directory is a file; mlci writes its outputs into a directory there.",
              Fix.of("choose another {} (the default is mlci-out).", Option.OUT)));
    }
    for (String name : names) {
      Path p = out.resolve(name);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !isOurs(p)) {
        throw foreign(p, out);
      }
    }
  }

  /**
   * Whether mlci wrote {@code p}: a directory with mlci's marker, or a file listed in the marker of
   * its directory. A symbolic link is never mlci's.
   */
  public static boolean isOurs(Path p) {
    if (Files.isSymbolicLink(p)) {
      return false;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return readMarker(p.resolve(MARKER)) != null;
    }
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && p.getParent() != null) {
      List<String> lines = readMarker(p.getParent().resolve(MARKER));
      return lines != null && lines.contains(FILE_LINE + p.getFileName());
    }
    return false;
  }

  /** Writes the directory {@code dir} whole and atomically, marked as mlci's. */
  public static <E extends Exception> void write(Path dir, AtomicDirectory.Writer<E> writer)
      throws E, IOException, BadInputException {
    Path out = dir.toAbsolutePath().getParent();
    requireOwned(out, dir.getFileName().toString());
    try {
      AtomicDirectory.write(
          dir,
          MARKER,
          staging -> {
            writer.write(staging);
            writeMarker(staging, Set.of());
          });
    } catch (AtomicDirectory.ForeignDirectoryException e) {
      // Appeared between the check and the write.
      throw foreign(dir, out);
    }
  }

  /** Deletes {@code dir} when it is mlci's; a directory of the user's is left alone. */
  public static boolean deleteIfOurs(Path dir) throws IOException {
    return isOurs(dir) && AtomicDirectory.deleteIfOurs(dir, MARKER);
  }

  /**
   * The directory {@code dir} for a store that mlci writes bit by bit: created with the marker when
   * absent, refused when it exists and is not mlci's.
   */
  public static Path openDir(Path dir) throws IOException, BadInputException {
    Path out = dir.toAbsolutePath().getParent();
    requireOwned(out, dir.getFileName().toString());
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      writeMarker(dir, Set.of());
    }
    return dir;
  }

  /**
   * Writes {@code file} (replacing it atomically) and records it as mlci's in the marker of its
   * directory; an existing file of the user's is refused.
   */
  public static void writeFile(Path file, byte[] content) throws IOException, BadInputException {
    Path out = file.toAbsolutePath().getParent();
    requireOwned(out, file.getFileName().toString());
    Files.createDirectories(out);
    List<String> lines = readMarker(out.resolve(MARKER));
    Path existingMarker = out.resolve(MARKER);
    if (lines == null && Files.exists(existingMarker, LinkOption.NOFOLLOW_LINKS)) {
      throw foreign(existingMarker, out);
    }
    Set<String> files = new LinkedHashSet<>();
    if (lines != null) {
      for (String l : lines) {
        if (l.startsWith(FILE_LINE)) {
          files.add(l.substring(FILE_LINE.length()));
        }
      }
    }
    if (files.add(file.getFileName().toString())) {
      // Recorded before the file appears: a crash in between leaves an absent file listed, which
      // is harmless; never an unlisted file of mlci's.
      writeMarker(out, files);
    }
    Path tmp = out.resolve("." + file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Why an I/O operation failed, in words: {@code NoSuchFileException}'s message is only the path,
   * which reads as no reason at all.
   */
  public static String reason(IOException e) {
    String what =
        e instanceof NoSuchFileException
            ? "no such file or directory"
            : e instanceof AccessDeniedException
                ? "permission denied"
                : e instanceof NotDirectoryException
                    ? "not a directory"
                    : e instanceof java.nio.file.FileAlreadyExistsException
                        ? "a file is in the way"
                        : e instanceof FileSystemException f && f.getReason() != null
                            ? f.getReason()
                            : null;
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + (what == null ? e.getClass().getSimpleName() : what);
    }
    return what == null ? String.valueOf(e.getMessage()) : what + " (" + e.getMessage() + ")";
  }

  private static BadInputException foreign(Path p, Path out) {
    String kind = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "folder" : "file";
    return new BadInputException(
        Problem.in(
            p.toString(),
            "",
            "this "
                + kind
                + " is in the way of mlci's output in "
                + out
                + " and was not written by mlci (no "
                + MARKER
                + " marker of mlci's "
                + (kind.equals("folder") ? "inside" : "lists it")
                + "), so mlci will neither replace nor delete it.",
            Fix.of("choose another {}, or move {} away.", Option.OUT, p.getFileName())));
  }

  /** The marker's lines when it is mlci's (first line {@link #HEADER}), else null. */
  private static List<String> readMarker(Path marker) {
    try {
      if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) || Files.size(marker) > 65536) {
        return null;
      }
      List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
      return !lines.isEmpty() && lines.get(0).equals(HEADER) ? lines : null;
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }

  private static void writeMarker(Path dir, Set<String> files) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    files.forEach(f -> lines.add(FILE_LINE + f));
    Path tmp = dir.resolve(MARKER + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        dir.resolve(MARKER),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
