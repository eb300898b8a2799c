package dev.mlci.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code checksums.sha256} file of a model directory: one {@code <sha256> <path>} line per
 * file, sorted by path, the format {@code sha256sum -c} verifies.
 */
public final class Checksums {
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
        if (!rel.equals(ModelFormat.CHECKSUMS)
            && !rel.equals(ModelFormat.RUN_INFO)
            && !rel.equals(ModelFormat.OWNER_MARKER)) {
          sums.put(rel, Digests.sha256Hex(p));
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sums.forEach((file, sum) -> sb.append(sum).append("  ").append(file).append('\n'));
    Files.writeString(dir.resolve(ModelFormat.CHECKSUMS), sb.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Verifies {@code dir} against its checksum file.
   *
   * @return the problems found (a missing checksum file, a missing or altered file), empty when
   *     intact
   */
  public static List<String> verify(Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    Path file = dir.resolve(ModelFormat.CHECKSUMS);
    if (!Files.isRegularFile(file)) {
      problems.add(ModelFormat.CHECKSUMS + " is missing");
      return problems;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf("  ");
      if (sep != 64) {
        problems.add("malformed line in " + ModelFormat.CHECKSUMS + ": " + line);
        continue;
      }
      String expected = line.substring(0, sep);
      String rel = line.substring(sep + 2);
      Path p = dir.resolve(rel).normalize();
      if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
        problems.add(rel + " is missing");
      } else if (!Digests.sha256Hex(p).equals(expected)) {
        problems.add(rel + " does not match its checksum (altered after training)");
      }
    }
    return problems;
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
