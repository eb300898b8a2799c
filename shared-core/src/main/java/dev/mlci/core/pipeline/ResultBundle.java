package dev.mlci.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The gate task's {@code bundle} artifact: one zip file holding the evaluation ({@code eval/}) and
 * the gate's reports ({@code gate/}), what {@code mlci run --on kfp} downloads from the run. One
 * file, not a folder, because an artifact store hands out a signed URL per object: a folder
 * artifact is many objects under a prefix. Entries are sorted and carry no time: the same files
 * give the same bytes.
 */
public final class ResultBundle {
  /** The evaluation's folder in the bundle. */
  public static final String EVAL = "eval";

  /** The reports' folder in the bundle. */
  public static final String GATE = "gate";

  /** At most this many bytes are unpacked (a bundle is a few MB; this bounds a hostile one). */
  static final long MAX_BYTES = 2L << 30;

  private static final FileTime EPOCH = FileTime.fromMillis(0);

  private ResultBundle() {}

  /**
   * Writes {@code file}: each folder of {@code folders} (by its name in the bundle), recursively.
   */
  public static void write(Path file, Map<String, Path> folders) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream os = Files.newOutputStream(partial);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (var e : new java.util.TreeMap<>(folders).entrySet()) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(e.getValue())) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          String name = e.getKey() + "/" + e.getValue().relativize(f).toString().replace('\\', '/');
          ZipEntry entry = new ZipEntry(name);
          entry.setLastModifiedTime(EPOCH);
          zip.putNextEntry(entry);
          Files.copy(f, zip);
          zip.closeEntry();
        }
      }
    }
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Unpacks {@code file} into {@code dir} (created). An entry that would land outside {@code dir},
   * or a bundle larger than {@value #MAX_BYTES} bytes unpacked, is refused.
   *
   * @throws IOException when the file is not a zip or is refused; the message says why
   */
  public static void unpack(Path file, Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    long total = 0;
    int entries = 0;
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries++;
        Path target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          throw new IOException("the bundle's entry '" + e.getName() + "' leaves its folder");
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (OutputStream os = Files.newOutputStream(target)) {
          byte[] buf = new byte[65536];
          for (int n; (n = zip.read(buf)) > 0; ) {
            total += n;
            if (total > MAX_BYTES) {
              throw new IOException("the bundle unpacks to more than " + MAX_BYTES + " bytes");
            }
            os.write(buf, 0, n);
          }
        }
      }
    }
    if (entries == 0) {
      throw new IOException(file + " is not a zip file with the evaluation and the reports");
    }
  }
}
