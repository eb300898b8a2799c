package dev.mlci.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code checksums.sha256} file of a model directory: one {@code <sha256> <path>} line per
 * file, sorted by path, the format {@code sha256sum -c} verifies.
 */
public final class Checksums {
  /**
   * Files a model directory may hold without a line in the checksum file: the checksum file itself
   * and {@code run.json} (run times, which no server or image reads).
   */
  public static final Set<String> UNLISTED =
      Set.of(ModelFormat.CHECKSUMS, ModelFormat.RUN_INFO, ModelFormat.OWNER_MARKER);

  /** Files every model has, which its checksum file must therefore list. */
  public static final List<String> REQUIRED = List.of(ModelFormat.FEATURES, ModelFormat.SERVING);

  private Checksums() {}

  /**
   * Writes checksums of every regular file under {@code dir} except the checksum file, {@code
   * run.json} and mlci's ownership marker.
   */
  public static void write(Path dir) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!UNLISTED.contains(rel)) {
          sums.put(rel, Digests.sha256Hex(p));
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sums.forEach((file, sum) -> sb.append(sum).append("  ").append(file).append('\n'));
    Files.writeString(dir.resolve(ModelFormat.CHECKSUMS), sb.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Verifies {@code dir} against its checksum file, both ways: every listed file is there, a
   * regular file (not a link) inside {@code dir}, with its checksum; and every file in {@code dir}
   * is listed (but {@link #UNLISTED}), the {@link #REQUIRED} ones included. A file added after
   * training, or one whose line was removed, is refused as surely as an altered one.
   *
   * @return the problems found (a missing checksum file, a missing, altered or unlisted file),
   *     empty when intact
   */
  public static List<String> verify(Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    Path file = dir.resolve(ModelFormat.CHECKSUMS);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      problems.add(ModelFormat.CHECKSUMS + " is missing");
      return problems;
    }
    Path root = dir.toRealPath();
    Set<String> listed = new HashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf("  ");
      if (sep != 64) {
        problems.add("malformed line in " + ModelFormat.CHECKSUMS + ": " + cut(line));
        continue;
      }
      String expected = line.substring(0, sep);
      String rel = line.substring(sep + 2);
      if (!listed.add(rel)) {
        problems.add(rel + " is listed twice in " + ModelFormat.CHECKSUMS);
        continue;
      }
      Path p = dir.resolve(rel).normalize();
      if (!p.startsWith(dir.normalize())
          || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          || !p.toRealPath().startsWith(root)) {
        problems.add(rel + " is missing (or not a regular file in the model directory)");
      } else if (!Digests.sha256Hex(p).equals(expected)) {
        problems.add(rel + " does not match its checksum (altered after training)");
      }
    }
    for (String required : REQUIRED) {
      if (!listed.contains(required)) {
        problems.add(
            ModelFormat.CHECKSUMS
                + " does not list "
                + required
                + ": it does not cover the whole model");
      }
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!listed.contains(rel) && !UNLISTED.contains(rel)) {
          problems.add(
              rel
                  + " is not listed in "
                  + ModelFormat.CHECKSUMS
                  + " (added after training, or its line was removed)");
        }
      }
    }
    return problems;
  }

  private static String cut(String line) {
    return line.length() <= 120 ? line : line.substring(0, 120) + "…";
  }

  /**
   * The files {@code dir}'s checksum file lists (paths relative to {@code dir}, sorted), followed
   * by the checksum file itself: the model, without the run times of {@code run.json}.
   *
   * @throws IOException when the checksum file is missing, malformed or names a path outside {@code
   *     dir}
   */
  public static List<String> files(Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    for (String line :
        Files.readAllLines(dir.resolve(ModelFormat.CHECKSUMS), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      String rel = line.length() > 66 && line.indexOf("  ") == 64 ? line.substring(66) : null;
      if (rel == null || !dir.resolve(rel).normalize().startsWith(dir.normalize())) {
        throw new IOException("malformed line in " + ModelFormat.CHECKSUMS + ": " + line);
      }
      files.add(rel);
    }
    files.add(ModelFormat.CHECKSUMS);
    return files;
  }

  /** The digest that identifies a model directory: SHA-256 of its checksum file. */
  public static String digest(Path dir) throws IOException {
    return Digests.sha256Hex(dir.resolve(ModelFormat.CHECKSUMS));
  }
}
