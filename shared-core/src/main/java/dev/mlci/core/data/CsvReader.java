package dev.mlci.core.data;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.RegularFiles;
import dev.mlci.format.Digests;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a CSV file with a header row (RFC 4180: comma-separated, double-quoted fields may hold
 * commas, quotes and line breaks). UTF-8 only; a byte-order mark and CRLF line endings are
 * accepted. Every problem is reported with the file, the line and, for data rows, the row number.
 */
public final class CsvReader {
  /**
   * Longest line accepted, in characters; longer ones are almost always a binary file or a wrong
   * format.
   */
  public static final int MAX_LINE_CHARS = 1 << 20;

  /**
   * Most columns accepted in a header ({@value}). Wider files are refused before any row is read:
   * training cost grows with the column count (100,000 columns took minutes and gigabytes), and
   * tabular models past this width are better fed from a feature store than a CSV.
   */
  public static final int MAX_COLUMNS = 10_000;

  private CsvReader() {}

  /**
   * Whether {@code name} names a compressed CSV mlci can read ({@code .csv.gz}, {@code .csv.zst}).
   */
  static boolean compressed(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".gz") || n.endsWith(".zst");
  }

  /**
   * Opens {@code file} for streaming: decompressed when its name ends in {@code .gz} or {@code
   * .zst}, the SHA-256 of its (compressed) bytes taken on the way.
   *
   * @throws BadInputException for an empty file or a bad header
   */
  static Opened open(Path file, String display) throws MlciException, IOException {
    RegularFiles.require(file, display, "");
    long size = Files.size(file);
    MessageDigest sha = Digests.sha256();
    InputStream raw = new DigestInputStream(Files.newInputStream(file), sha);
    CountingInputStream counted = new CountingInputStream(raw);
    InputStream in = counted;
    try {
      String name = name(file);
      if (name.endsWith(".gz")) {
        in = new GZIPInputStream(counted, 1 << 16);
      } else if (name.endsWith(".zst")) {
        in = new BufferedInputStream(new ZstdInputStream(counted), 1 << 16);
      }
      long lines = name.endsWith(".gz") || name.endsWith(".zst") ? -1 : countLines(file);
      return new Opened(new CsvStream(in, display), sha, counted, size, lines);
    } catch (ZipException | EOFException | UncheckedIOException e) {
      in.close();
      throw notCompressed(display, e);
    } catch (RuntimeException e) {
      // aircompressor reports a corrupt frame as a RuntimeException.
      in.close();
      if (name(file).endsWith(".zst")) {
        throw notCompressed(display, e);
      }
      throw e;
    } catch (IOException | BadInputException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Counts the line breaks of {@code file} in one streaming pass (a fraction of a second per 100
   * MB), so the heap check and the columns know the size before the rows are read.
   */
  private static long countLines(Path file) throws IOException {
    long lines = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    }
    return lines;
  }

  private static String name(Path file) {
    return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** A corrupt or truncated compressed file. */
  static BadInputException notCompressed(String display, Exception e) {
    return new BadInputException(
        Problem.in(
            display,
            "",
            "the compressed file cannot be decompressed ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + ").",
            "check that the file is complete and compressed with the format its name says (.gz:"
                + " gzip, .zst: zstd), or give the plain .csv."));
  }

  /** An open CSV: the stream of records, and the digest of the file's bytes once it is read. */
  static final class Opened implements RowSource {
    final CsvStream csv;
    private final MessageDigest sha;
    private final CountingInputStream counted;
    final long fileBytes;

    /** Line breaks in the file (an upper bound of its rows plus one), or -1 when compressed. */
    final long lines;

    Opened(
        CsvStream csv, MessageDigest sha, CountingInputStream counted, long fileBytes, long lines) {
      this.csv = csv;
      this.sha = sha;
      this.counted = counted;
      this.fileBytes = fileBytes;
      this.lines = lines;
    }

    /** Bytes of the file (compressed, if it is) read so far. */
    long fileBytesRead() {
      return counted.getByteCount();
    }

    @Override
    public String display() {
      return csv.display();
    }

    @Override
    public String rowDisplay() {
      return csv.display();
    }

    @Override
    public List<String> header() {
      return csv.header();
    }

    @Override
    public boolean next() throws IOException, BadInputException {
      return CsvReader.advance(this);
    }

    @Override
    public int row() {
      return csv.row();
    }

    @Override
    public int line() {
      return csv.line();
    }

    @Override
    public String text(int c) {
      return csv.field(c);
    }

    @Override
    public double decimal(int c) {
      return csv.decimal(c);
    }

    @Override
    public boolean typed(int c) {
      return false;
    }

    @Override
    public double number(int c) {
      throw new IllegalStateException("a CSV cell is text");
    }

    @Override
    public long rowsAtMost() {
      // Each row ends with a line break but perhaps the last; the header takes one.
      return lines < 0 ? -1 : Math.max(0, lines);
    }

    @Override
    public long fileBytes() {
      return fileBytes;
    }

    @Override
    public double fractionRead() {
      return fileBytes <= 0 ? -1 : (double) fileBytesRead() / fileBytes;
    }

    /** SHA-256 of the whole file; reads what the parser left (a trailing gzip member, padding). */
    @Override
    public String sha256() throws IOException {
      counted.transferTo(java.io.OutputStream.nullOutputStream());
      return java.util.HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public void close() throws IOException {
      csv.close();
    }
  }

  /**
   * Reads {@code file} whole, every cell a String: for small files and tests. Data for training
   * goes through {@link #open} and {@link RowParser}, which keep no cells.
   *
   * @param display the name used in messages
   * @throws BadInputException for a file that is not UTF-8, empty, has a bad header, ragged rows or
   *     no data
   * @throws IOException when the file cannot be read at all
   * @throws EnvironmentException when the heap is too small for the file (exit 3)
   */
  public static CsvTable read(Path file, String display) throws MlciException, IOException {
    List<String[]> rows = new ArrayList<>();
    int[] lines = new int[16];
    try (Opened opened = open(file, display)) {
      try {
        for (String[] r; (r = next(opened)) != null; ) {
          if (rows.size() == lines.length) {
            lines = Arrays.copyOf(lines, lines.length * 2);
          }
          lines[rows.size()] = opened.csv.line();
          rows.add(r);
        }
      } catch (OutOfMemoryError e) {
        int n = rows.size();
        rows = null;
        throw OutOfMemory.of(
            "read " + display + " (" + Files.size(file) + " bytes)",
            n,
            opened.csv.header().size(),
            e);
      }
      return new CsvTable(
          display, opened.sha256(), opened.csv.header(), rows, Arrays.copyOf(lines, rows.size()));
    }
  }

  /** The next row of {@code opened}, a corrupt compressed stream reported as bad input. */
  static String[] next(Opened opened) throws IOException, BadInputException {
    return advance(opened) ? opened.csv.current() : null;
  }

  /** Moves {@code opened} to its next row; a corrupt compressed stream reported as bad input. */
  static boolean advance(Opened opened) throws IOException, BadInputException {
    try {
      return opened.csv.advance();
    } catch (ZipException | EOFException | UncheckedIOException e) {
      throw notCompressed(opened.csv.display(), e);
    } catch (RuntimeException e) {
      if (compressed(opened.csv.display())) {
        throw notCompressed(opened.csv.display(), e);
      }
      throw e;
    } catch (IOException e) {
      if (compressed(opened.csv.display())) {
        throw notCompressed(opened.csv.display(), e);
      }
      throw e;
    }
  }

  /** Counts the bytes read through it (the file's own bytes, before decompression). */
  static final class CountingInputStream extends java.io.FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    long getByteCount() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
