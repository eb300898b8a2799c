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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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

  /**
   * Plain CSV files of at least this many bytes ({@value}, 8 MiB) are read in two halves on two
   * threads when the file has no quote (see {@link Opened#halves}) and the JVM has two processors.
   */
  static final long HALVES_BYTES = 8L << 20;

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
   * .zst}, the SHA-256 of its (compressed) bytes taken on the way; a plain file of at least {@code
   * halvesBytes} bytes without a quote is set up to be read in two halves ({@link Opened#halves}),
   * which only the data loader can read ({@code Long.MAX_VALUE}: from start to end on one thread).
   *
   * @throws BadInputException for an empty file or a bad header
   */
  static Opened open(Path file, String display, long halvesBytes)
      throws MlciException, IOException {
    RegularFiles.require(file, display, "");
    long size = Files.size(file);
    MessageDigest sha = Digests.sha256();
    InputStream raw = new DigestInputStream(Files.newInputStream(file), sha);
    CountingInputStream counted = new CountingInputStream(raw);
    InputStream in = counted;
    try {
      String name = name(file);
      Layout layout = null;
      if (name.endsWith(".gz")) {
        in = new GZIPInputStream(counted, 1 << 16);
      } else if (name.endsWith(".zst")) {
        in = new BufferedInputStream(new ZstdInputStream(counted), 1 << 16);
      } else {
        layout = layout(file, size);
        if (size < halvesBytes
            || layout.quoted()
            || layout.split() < 0
            || Runtime.getRuntime().availableProcessors() < 2) {
          layout = new Layout(layout.lines(), layout.quoted(), -1, 0);
        } else {
          in = new BoundedInputStream(counted, layout.split());
        }
      }
      long lines = layout == null ? -1 : layout.lines();
      return new Opened(new CsvStream(in, display), file, sha, counted, size, lines, layout, null);
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
   * What one pass over a plain CSV's bytes found.
   *
   * @param lines its line breaks (an upper bound of its rows plus one)
   * @param quoted whether it holds a double quote anywhere
   * @param split the offset just after the first line break at or past the middle of the file, or
   *     -1 when there is none with bytes after it (or the file is not read in halves)
   * @param splitLines the line breaks before {@code split}
   */
  record Layout(long lines, boolean quoted, long split, long splitLines) {}

  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;
  private static final long QUOTES = 0x2222222222222222L;

  /** 0x80 in each byte of {@code word} that equals the byte repeated in {@code pattern}, else 0. */
  static long matches(long word, long pattern) {
    long x = word ^ pattern;
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /**
   * Counts the line breaks of {@code file} and looks for a quote in one streaming pass, eight bytes
   * at a time (a fraction of a second per 100 MB), so the heap check and the columns know the size
   * before the rows are read; and finds where its second half starts.
   */
  static Layout layout(Path file, long size) throws IOException {
    long middle = size / 2;
    long lines = 0;
    long split = -1;
    long splitLines = 0;
    long quotes = 0;
    byte[] buf = new byte[1 << 16];
    long offset = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; offset += n) {
        int i = 0;
        if (split < 0 && offset + n > middle) {
          // Byte by byte where the split may fall, to find it exactly.
          for (; i < n; i++) {
            byte b = buf[i];
            quotes |= b == '"' ? 1 : 0;
            if (b == '\n') {
              lines++;
              if (split < 0 && offset + i >= middle) {
                split = offset + i + 1;
                splitLines = lines;
              }
            }
          }
          continue;
        }
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
          long word = (long) LONGS.get(buf, i);
          lines += Long.bitCount(matches(word, NEWLINES));
          quotes |= matches(word, QUOTES);
        }
        for (; i < n; i++) {
          lines += buf[i] == '\n' ? 1 : 0;
          quotes |= buf[i] == '"' ? 1 : 0;
        }
      }
    }
    return new Layout(
        lines, quotes != 0, split >= size ? -1 : split, split >= size ? 0 : splitLines);
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

  /**
   * An open CSV: the stream of records, and the digest of the file's bytes once it is read. When
   * {@link #halves} says so, the stream ends at the middle of the file and {@link #secondHalf}
   * streams the rest.
   */
  static final class Opened implements RowSource {
    final CsvStream csv;
    private final Path file;
    private final MessageDigest sha;
    private final CountingInputStream counted;
    final long fileBytes;
    private final Layout layout;
    private final Opened first;
    private String digest;

    /** Line breaks in the file (an upper bound of its rows plus one), or -1 when compressed. */
    final long lines;

    private Opened(
        CsvStream csv,
        Path file,
        MessageDigest sha,
        CountingInputStream counted,
        long fileBytes,
        long lines,
        Layout layout,
        Opened first) {
      this.csv = csv;
      this.file = file;
      this.sha = sha;
      this.counted = counted;
      this.fileBytes = fileBytes;
      this.lines = lines;
      this.layout = layout;
      this.first = first;
    }

    /**
     * Whether this stream holds the file's first half only, up to a line break at or past its
     * middle ({@link #splitLines} line breaks), and {@link #secondHalf} the rest. Only for a plain
     * file without a double quote: there every line break ends a record, so the second half starts
     * with a record and the halves can be read at once, on two threads.
     */
    boolean halves() {
      return first == null && layout != null && layout.split() > 0;
    }

    /** The file. */
    Path file() {
      return file;
    }

    /** The line breaks in the first half (the second half's first line is this plus one). */
    long splitLines() {
      return layout.splitLines();
    }

    /**
     * A stream of the second half's records under the header of the first (its rows and lines
     * counted from 1); no digest of its own.
     */
    Opened secondHalf() throws IOException {
      if (!halves()) {
        throw new IllegalStateException("the file is not read in halves");
      }
      FileChannel channel = FileChannel.open(file);
      try {
        channel.position(layout.split());
        CountingInputStream rest = new CountingInputStream(Channels.newInputStream(channel));
        return new Opened(
            new CsvStream(rest, csv.display(), csv.header()),
            file,
            null,
            rest,
            fileBytes,
            lines,
            layout,
            this);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
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

    /**
     * In a file without quotes, reads the next row only as far as column {@code c}; else as {@link
     * #next}.
     */
    @Override
    public boolean nextUpTo(int c) throws IOException, BadInputException {
      return layout != null && !layout.quoted() ? csv.advanceTo(c + 1) : next();
    }

    @Override
    public void finishRow() throws IOException, BadInputException {
      csv.finishRecord();
    }

    @Override
    public void skipRest() throws IOException, BadInputException {
      csv.skipRecord();
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

    /**
     * SHA-256 of the whole file; reads what the parser left (a trailing gzip member, padding, the
     * second half). Asked again, the same.
     */
    @Override
    public String sha256() throws IOException {
      if (first != null) {
        return first.sha256();
      }
      if (digest == null) {
        counted.transferTo(java.io.OutputStream.nullOutputStream());
        digest = java.util.HexFormat.of().formatHex(sha.digest());
      }
      return digest;
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
    // Read from start to end on this thread: a file opened for halves would stop at its middle.
    try (Opened opened = open(file, display, Long.MAX_VALUE)) {
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

  /** The first {@code limit} bytes of a stream (the first half of a file read in halves). */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      left -= b >= 0 ? 1 : 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      left -= Math.max(n, 0);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(Math.min(n, left));
      left -= s;
      return s;
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
