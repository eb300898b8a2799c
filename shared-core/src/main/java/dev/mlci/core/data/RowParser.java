package dev.mlci.core.data;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks and converts the rows of one file as they stream past: ids (or content keys), the target
 * and every feature cell, under the missing-value policy, each problem naming the file, row, line
 * and column. The cells go straight into the columns of a {@link Frame}; no row of strings is kept.
 */
final class RowParser {
  private RowParser() {}

  /** Rows of one file, checked and converted. */
  static final class Parsed {
    /** The rows kept. */
    Frame frame;

    /** Data rows in the file, dropped ones included. */
    int fileRows;

    /** Rows dropped for missing values. */
    int dropped;

    /**
     * Rows the hash split puts in the training set, passed over unparsed ({@link #parse} with
     * {@code testOnly}): only their id or content key was read.
     */
    int skipped;

    /** Per kept row, its hash-split coordinate ({@link Splitter#hashUnit}); null unless asked. */
    double[] units;

    /** The roles of the file's columns. */
    Columns columns;

    /** The file, as named in messages. */
    String display;

    /** SHA-256 of the file's bytes. */
    String sha256;

    /** Whether the file was read in two halves at once ({@link CsvReader.Opened#halves}). */
    boolean halves;
  }

  /** Receives the count of rows read so far, now and then (progress). */
  interface Progress {
    /** {@code rows} read, taking {@code bytesRead} of the file's {@code fileBytes}. */
    void rows(String display, long rows, long bytesRead, long fileBytes);

    /** The file is read: {@code rows} in all. */
    void done(String display, long rows);
  }

  /** Rows between two progress reports. */
  static final int PROGRESS_ROWS = 1 << 16;

  /**
   * Streams the rows of {@code opened} into columns.
   *
   * @param hashSeed the seed of a hash split, to compute each row's coordinate, or null
   */
  static Parsed parse(
      LoadedConfig loaded, RowSource opened, Columns columns, Long hashSeed, Progress progress)
      throws MlciException, IOException {
    return parse(loaded, opened, columns, hashSeed, false, progress);
  }

  /**
   * Streams the rows of {@code opened} into columns.
   *
   * @param hashSeed the seed of a hash split, to compute each row's coordinate, or null
   * @param testOnly with a hash seed: keep only the rows the split puts in the test set; the others
   *     are passed over once their key is read (their cells neither checked nor kept, their ids not
   *     checked for repeats), for a file whose rows {@code mlci train} already checked
   */
  static Parsed parse(
      LoadedConfig loaded,
      RowSource opened,
      Columns columns,
      Long hashSeed,
      boolean testOnly,
      Progress progress)
      throws MlciException, IOException {
    if (testOnly && hashSeed == null) {
      throw new IllegalArgumentException(
          "only a hash split tells the test rows apart as they pass");
    }
    String display = opened.display();
    int width = columns.features.size();
    boolean[] categoricalColumn = new boolean[width];
    for (int f = 0; f < width; f++) {
      categoricalColumn[f] = columns.categorical.contains(columns.features.get(f));
    }
    int categoricalCount = 0;
    for (boolean c : categoricalColumn) {
      categoricalCount += c ? 1 : 0;
    }
    HeapBudget budget = new HeapBudget(width - categoricalCount, categoricalCount, columns.id >= 0);
    int columnCount = opened.header().size();
    int capacity = 1024;
    long rowsAtMost = opened.rowsAtMost();
    // A CSV's count is of line breaks, one more than its rows (the header's).
    long rows = opened instanceof CsvReader.Opened ? rowsAtMost - 1 : rowsAtMost;
    if (rowsAtMost >= 0) {
      rows = Math.max(0, rows);
      requireRowLimit(display, rows);
      // Test rows only: the test fraction of them, and a margin for the hash's spread.
      long kept =
          testOnly
              ? Math.min(
                  rows, (long) (rows * loaded.config().data().split().testFraction() * 1.05) + 1024)
              : rows;
      budget.require(display, opened.fileBytes(), kept, kept + " rows", columnCount);
      capacity = (int) Math.max(16, Math.min(testOnly ? kept : rowsAtMost, MAX_ROWS));
    }
    try {
      return parse(
          loaded,
          opened,
          columns,
          hashSeed,
          testOnly,
          progress,
          categoricalColumn,
          budget,
          capacity);
    } catch (OutOfMemoryError e) {
      // The columns are unreachable once parse() has unwound, so there is memory to say so.
      throw OutOfMemory.of(
          "read " + display + " (" + opened.fileBytes() + " bytes)",
          rowsAtMost >= 0 ? rows : opened.row(),
          columnCount,
          e);
    }
  }

  /**
   * Most data rows per file ({@value}): rows are numbered with Java ints and held in arrays. The
   * heap is the limit long before this one (see {@link HeapBudget}).
   */
  static final int MAX_ROWS = Integer.MAX_VALUE - 16;

  private static void requireRowLimit(String display, long rows) throws BadInputException {
    if (rows > MAX_ROWS) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the file has more than " + MAX_ROWS + " rows, the most mlci reads from one file.",
              "train on a sample of the rows."));
    }
  }

  /** What every pass over one file shares. */
  private record Job(
      LoadedConfig loaded,
      Columns columns,
      Long hashSeed,
      boolean testOnly,
      boolean[] categoricalColumn,
      HeapBudget budget) {}

  private static Parsed parse(
      LoadedConfig loaded,
      RowSource opened,
      Columns columns,
      Long hashSeed,
      boolean testOnly,
      Progress progress,
      boolean[] categoricalColumn,
      HeapBudget budget,
      int capacity)
      throws MlciException, IOException {
    Job job = new Job(loaded, columns, hashSeed, testOnly, categoricalColumn, budget);
    if (opened instanceof CsvReader.Opened csv && csv.halves()) {
      Parsed parsed = halves(job, csv, progress, capacity);
      if (parsed != null) {
        return parsed;
      }
      // A problem somewhere: read the file again in order, one row after the other, so it is
      // reported exactly as a single pass reports it (the first problem, its row, line and column).
      try (CsvReader.Opened again = CsvReader.open(csv.file(), csv.display(), Long.MAX_VALUE)) {
        return single(job, again, progress, capacity);
      }
    }
    return single(job, opened, progress, capacity);
  }

  private static Parsed single(Job job, RowSource opened, Progress progress, int capacity)
      throws MlciException, IOException {
    long ids = job.testOnly ? capacity : Math.max(opened.rowsAtMost(), 1024);
    Pass pass = new Pass(job, opened, capacity, ids);
    pass.read(progress, null);
    if (progress != null) {
      progress.done(opened.display(), pass.fileRows);
    }
    return pass.parsed();
  }

  /**
   * Reads the two halves of {@code first} at once, the second on a thread of its own, and joins
   * them into the columns a single pass gives (rows and lines renumbered, ids checked across the
   * halves, class and level codes in order of first appearance); the file's digest is finished on
   * this thread meanwhile. Null on any problem (bad input in either half, an id in both), for the
   * caller to read the file again in order.
   */
  private static Parsed halves(Job job, CsvReader.Opened first, Progress progress, int capacity)
      throws MlciException, IOException {
    double share = first.lines <= 0 ? 0.5 : (double) first.splitLines() / first.lines;
    int firstCapacity = (int) Math.max(16, Math.min(capacity, Math.round(capacity * share) + 16));
    int secondCapacity = (int) Math.max(16, Math.min(capacity, capacity - firstCapacity + 32L));
    CsvReader.Opened rest = first.secondHalf();
    Pass second = new Pass(job, rest, secondCapacity, secondCapacity);
    java.util.concurrent.FutureTask<Pass> task =
        new java.util.concurrent.FutureTask<>(
            () -> {
              second.read(null, null);
              return second;
            });
    Thread thread = new Thread(task, "mlci-csv-second-half");
    thread.setDaemon(true);
    thread.start();
    try (rest) {
      Pass pass = new Pass(job, first, firstCapacity, firstCapacity);
      try {
        pass.read(progress, second);
        first.sha256();
      } catch (BadInputException e) {
        rest.close(); // ends the other thread's reading
        join(task);
        return null;
      }
      Pass done;
      try {
        done = task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading " + first.display());
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MlciException || cause instanceof IOException) {
          return null;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException("reading the second half of " + first.display(), cause);
      }
      if (!pass.append(done, (int) first.splitLines())) {
        return null;
      }
      if (progress != null) {
        progress.done(first.display(), pass.fileRows);
      }
      Parsed parsed = pass.parsed();
      parsed.halves = true;
      return parsed;
    }
  }

  /** Waits for {@code task} to end, whatever its outcome. */
  private static void join(java.util.concurrent.FutureTask<Pass> task) {
    try {
      task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      // Its reading was ended on purpose.
    }
  }

  /** One pass over the rows of a source (a file, or one half of it) into columns. */
  private static final class Pass {
    private final Job job;
    private final RowSource opened;
    private final MlConfig config;
    private final DataConfig data;
    private final Set<String> na;
    private final boolean plainNumbers;
    private final byte[] seedPrefix;
    private final MessageDigest sha = Digests.sha256();
    final Builder b;
    final IdIndex idRows;
    // For content ids: per file row, the first 16 bytes of the content digest, to number repeats.
    long[] allHi;
    long[] allLo;
    int fileRows;
    int dropped;
    int skipped;

    /**
     * Rows read so far and the fraction of the file they took, now and then, for the other half's
     * progress reports.
     */
    private volatile int published;

    private volatile double publishedFraction;

    Pass(Job job, RowSource opened, int capacity, long expectedIds) {
      this.job = job;
      this.opened = opened;
      this.config = job.loaded.config();
      this.data = config.data();
      this.na = new HashSet<>(data.naValues());
      // A cell that is a plain decimal is a number, read from the bytes, unless na_values lists
      // one.
      this.plainNumbers = na.stream().noneMatch(Numbers::isDecimal);
      this.seedPrefix =
          job.hashSeed == null ? null : (job.hashSeed + ":").getBytes(StandardCharsets.UTF_8);
      Columns columns = job.columns;
      this.b =
          new Builder(
              columns.features.size(),
              job.categoricalColumn,
              columns.id >= 0,
              config.task() == Task.CLASSIFICATION,
              job.hashSeed,
              capacity);
      this.idRows = columns.id >= 0 ? new IdIndex(expectedIds) : null;
      this.allHi = columns.id >= 0 ? null : new long[1024];
      this.allLo = columns.id >= 0 ? null : new long[1024];
    }

    /**
     * Reads every row of the source.
     *
     * @param progress told the rows read now and then, or null
     * @param other the pass over the file's other half, whose rows and bytes the reports add, or
     *     null
     */
    void read(Progress progress, Pass other) throws MlciException, IOException {
      LoadedConfig loaded = job.loaded;
      Columns columns = job.columns;
      boolean[] categoricalColumn = job.categoricalColumn;
      boolean testOnly = job.testOnly;
      boolean classification = config.task() == Task.CLASSIFICATION;
      String targetName = data.target();
      String display = opened.display();
      int width = columns.features.size();
      int columnCount = opened.header().size();
      double testFraction = data.split().testFraction();
      double[] numeric = new double[width];
      int[] codes = new int[width];
      String[] content = columns.id >= 0 ? null : new String[columnCount];
      boolean[] used = new boolean[columnCount];
      if (columns.id >= 0) {
        used[columns.id] = true;
        used[columns.target] = true;
        for (int c : columns.featureIndex) {
          used[c] = true;
        }
      } else {
        // Content ids hash the whole row.
        Arrays.fill(used, true);
      }
      opened.use(used);
      // Test rows by id: a training row is passed over once its id is read.
      boolean idFirst = testOnly && columns.id >= 0;
      while (idFirst ? opened.nextUpTo(columns.id) : opened.next()) {
        int row = opened.row();
        int line = opened.line();
        String at = opened.rowDisplay();
        fileRows++;
        if (fileRows % PROGRESS_ROWS == 0) {
          double fraction = opened.fractionRead();
          publishedFraction = fraction;
          published = fileRows;
          long rows = fileRows;
          if (other != null) {
            rows += other.published;
            fraction += other.publishedFraction;
          }
          if (progress != null && fraction > 0) {
            progress.rows(display, rows, Math.round(fraction * 1e6), 1_000_000);
          }
          if (opened.rowsAtMost() < 0 && fraction > 0) {
            // Compressed: the size is known only as it streams; project it from the bytes so far.
            long projected = Math.round(fileRows / fraction);
            requireRowLimit(display, projected);
            job.budget.require(
                display,
                opened.fileBytes(),
                Math.max(0, projected - fileRows),
                "about " + projected + " rows",
                columnCount);
          }
        }
        String id = null;
        long hi = 0;
        byte[] keyBytes;
        if (columns.id >= 0) {
          String idName = data.id().orElseThrow();
          String idText = opened.text(columns.id);
          id = idText == null ? "" : idText.trim();
          if (idText == null || na.contains(id)) {
            throw new BadInputException(
                rowProblem(
                    at, row, line, idName, "the id is missing.", "give every row a unique id."));
          }
          keyBytes = seedPrefix == null ? null : id.getBytes(StandardCharsets.UTF_8);
          if (testOnly && unit(sha, seedPrefix, keyBytes) >= testFraction) {
            skipped++;
            opened.skipRest();
            continue;
          }
          opened.finishRow();
          int first = idRows.putIfAbsent(id, row);
          if (first >= 0) {
            throw new BadInputException(
                rowProblem(
                    at,
                    row,
                    line,
                    idName,
                    "the id '" + id + "' is also the id of row " + first + ".",
                    "make ids unique, or remove 'data.id' to key rows by their content."));
          }
        } else {
          for (int c = 0; c < columnCount; c++) {
            String t = opened.text(c);
            content[c] = t == null ? "" : t;
          }
          keyBytes = String.join("\u001f", content).getBytes(StandardCharsets.UTF_8);
          ByteBuffer digest = ByteBuffer.wrap(sha.digest(keyBytes));
          hi = digest.getLong();
          if (fileRows > allHi.length) {
            allHi = Arrays.copyOf(allHi, allHi.length + (allHi.length >> 1));
            allLo = Arrays.copyOf(allLo, allHi.length);
          }
          allHi[fileRows - 1] = hi;
          allLo[fileRows - 1] = digest.getLong();
          if (testOnly && unit(sha, seedPrefix, keyBytes) >= testFraction) {
            skipped++;
            continue;
          }
        }
        String rawTarget = opened.text(columns.target);
        rawTarget = rawTarget == null ? null : rawTarget.trim();
        boolean missing = false;
        String label = null;
        double target = Double.NaN;
        if (rawTarget == null || na.contains(rawTarget)) {
          if (data.missing() != MissingPolicy.DROP) {
            throw new BadInputException(
                rowProblem(
                    at,
                    row,
                    line,
                    targetName,
                    "the target value is missing.",
                    "fill it in, or set 'missing: drop' under 'data' in "
                        + loaded.displayName()
                        + " to drop such rows."));
          }
          missing = true;
        } else if (classification) {
          label = rawTarget;
        } else if (opened.typed(columns.target)) {
          target = finite(at, row, line, targetName, opened.number(columns.target), loaded);
        } else {
          target = plainNumbers ? opened.decimal(columns.target) : Double.NaN;
          if (target != target) {
            target = number(at, row, line, targetName, rawTarget, loaded, false);
          }
        }
        for (int f = 0; f < width; f++) {
          int c = columns.featureIndex[f];
          boolean typed = opened.typed(c);
          if (plainNumbers && !typed && !categoricalColumn[f]) {
            double value = opened.decimal(c);
            if (value == value) {
              numeric[f] = value;
              codes[f] = -1;
              continue;
            }
          }
          String name = columns.features.get(f);
          String cell = typed ? null : opened.text(c);
          cell = cell == null ? null : cell.trim();
          numeric[f] = Double.NaN;
          codes[f] = -1;
          if (typed ? opened.isNull(c) : cell == null || na.contains(cell)) {
            if (data.missing() == MissingPolicy.ERROR) {
              throw new BadInputException(
                  rowProblem(
                      at,
                      row,
                      line,
                      name,
                      "the value is missing"
                          + (cell == null || cell.isEmpty()
                              ? ""
                              : " ('" + cell + "' is listed in data.na_values)")
                          + ".",
                      "fill it in, or set 'missing: drop' or 'missing: impute-mean' under 'data'"
                          + " in "
                          + loaded.displayName()
                          + "."));
            }
            missing = true;
          } else if (categoricalColumn[f]) {
            codes[f] = b.code(f, typed ? opened.text(c) : cell);
          } else if (typed) {
            numeric[f] = finite(at, row, line, name, opened.number(c), loaded);
          } else {
            numeric[f] = number(at, row, line, name, cell, loaded, true);
          }
        }
        if (missing && data.missing() == MissingPolicy.DROP) {
          dropped++;
          continue;
        }
        double unit = seedPrefix == null ? Double.NaN : unit(sha, seedPrefix, keyBytes);
        b.add(fileRows, line, id, hi, label, target, numeric, codes, unit);
      }
    }

    /**
     * Adds the rows of {@code second}, the pass over the rest of the file after this one's {@code
     * lines} line breaks: false when an id of it is an id of this pass too (a single pass in order
     * reports that).
     */
    boolean append(Pass second, int lines) {
      if (idRows != null && second.idRows.anyIn(idRows)) {
        return false;
      }
      if (allHi != null) {
        allHi = join(allHi, fileRows, second.allHi, second.fileRows);
        allLo = join(allLo, fileRows, second.allLo, second.fileRows);
      }
      b.append(second.b, fileRows, lines);
      fileRows += second.fileRows;
      dropped += second.dropped;
      skipped += second.skipped;
      return true;
    }

    private static long[] join(long[] a, int n, long[] b, int m) {
      long[] out = Arrays.copyOf(a, n + m);
      System.arraycopy(b, 0, out, n, m);
      return out;
    }

    /** The rows read, as columns. */
    Parsed parsed() {
      Map<Integer, Integer> repeats =
          allHi == null ? Map.of() : repeats(Arrays.copyOf(allHi, fileRows), allLo);
      Parsed parsed = new Parsed();
      parsed.frame = b.build(opened.display(), repeats);
      parsed.units = b.units();
      parsed.fileRows = fileRows;
      parsed.dropped = dropped;
      parsed.skipped = skipped;
      return parsed;
    }
  }

  /** The row's {@link Splitter#hashUnit}, from the bytes of its key. */
  private static double unit(MessageDigest sha, byte[] seedPrefix, byte[] keyBytes) {
    sha.update(seedPrefix);
    byte[] d = sha.digest(keyBytes);
    return (ByteBuffer.wrap(d, 0, 8).getLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * The repeat number (2, 3, ...) of each file row whose content an earlier row of the file has
   * too, keyed by file row; the content is compared by 128 bits of its SHA-256.
   */
  private static Map<Integer, Integer> repeats(long[] hi, long[] lo) {
    long[] sorted = hi.clone();
    Arrays.sort(sorted);
    Set<Long> repeated = new HashSet<>();
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        repeated.add(sorted[i]);
      }
    }
    if (repeated.isEmpty()) {
      return Map.of();
    }
    Map<String, Integer> counts = new HashMap<>();
    Map<Integer, Integer> repeats = new HashMap<>();
    for (int r = 0; r < hi.length; r++) {
      if (repeated.contains(hi[r])) {
        int n = counts.merge(hi[r] + ":" + lo[r], 1, Integer::sum);
        if (n > 1) {
          repeats.put(r + 1, n);
        }
      }
    }
    return repeats;
  }

  /**
   * The ids seen so far and the row of each, in open addressing (two arrays: a quarter of a
   * HashMap's bytes per id, no boxed row numbers).
   */
  private static final class IdIndex {
    private String[] keys;
    private int[] rows;
    private int size;

    IdIndex(long expected) {
      int capacity = 16;
      while (capacity < (1 << 30) && capacity < expected * 2) {
        capacity <<= 1;
      }
      keys = new String[capacity];
      rows = new int[keys.length];
    }

    /**
     * The row of an earlier {@code id}, or -1 when it is new (then it is recorded at {@code row}).
     */
    int putIfAbsent(String id, int row) {
      if (size >= keys.length >> 1) {
        grow();
      }
      int mask = keys.length - 1;
      int h = slot(id) & mask;
      for (String k; (k = keys[h]) != null; h = (h + 1) & mask) {
        if (k.equals(id)) {
          return rows[h];
        }
      }
      keys[h] = id;
      rows[h] = row;
      size++;
      return -1;
    }

    /** The row of {@code id}, or -1 when it is not recorded. */
    int get(String id) {
      int mask = keys.length - 1;
      for (int h = slot(id) & mask; keys[h] != null; h = (h + 1) & mask) {
        if (keys[h].equals(id)) {
          return rows[h];
        }
      }
      return -1;
    }

    /** Whether some id recorded here is recorded in {@code other} too. */
    boolean anyIn(IdIndex other) {
      for (String k : keys) {
        if (k != null && other.get(k) >= 0) {
          return true;
        }
      }
      return false;
    }

    private static int slot(String id) {
      int h = id.hashCode() * 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    private void grow() {
      String[] oldKeys = keys;
      int[] oldRows = rows;
      keys = new String[oldKeys.length << 1];
      rows = new int[keys.length];
      int mask = keys.length - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != null) {
          int h = slot(oldKeys[i]) & mask;
          while (keys[h] != null) {
            h = (h + 1) & mask;
          }
          keys[h] = oldKeys[i];
          rows[h] = oldRows[i];
        }
      }
    }
  }

  /** Growing columns. */
  private static final class Builder {
    private final boolean[] categorical;
    private final boolean classification;
    private int size;
    private int capacity;
    private int[] rows;
    private int[] lines;
    private String[] ids;
    private long[] idHash;
    private int[] labels;
    private final Map<String, Integer> classCodes = new HashMap<>();
    private final List<String> classes = new ArrayList<>();
    private double[] targets;
    private final double[][] numeric;
    private final int[][] codes;
    private final List<Map<String, Integer>> levelCodes = new ArrayList<>();
    private final List<List<String>> levels = new ArrayList<>();
    private double[] units;

    Builder(
        int width,
        boolean[] categorical,
        boolean explicitIds,
        boolean classification,
        Long hashSeed,
        int capacity) {
      this.capacity = capacity;
      this.categorical = categorical;
      this.classification = classification;
      rows = new int[capacity];
      lines = new int[capacity];
      if (explicitIds) {
        ids = new String[capacity];
      } else {
        idHash = new long[capacity];
      }
      if (classification) {
        labels = new int[capacity];
      } else {
        targets = new double[capacity];
      }
      numeric = new double[width][];
      codes = new int[width][];
      for (int f = 0; f < width; f++) {
        if (categorical[f]) {
          codes[f] = new int[capacity];
        } else {
          numeric[f] = new double[capacity];
        }
        levelCodes.add(categorical[f] ? new HashMap<>() : null);
        levels.add(categorical[f] ? new ArrayList<>() : null);
      }
      if (hashSeed != null) {
        units = new double[capacity];
      }
    }

    /** The code of class {@code label}, a new one for a class not seen before. */
    int classCode(String label) {
      Integer code = classCodes.get(label);
      if (code == null) {
        code = classes.size();
        classCodes.put(label, code);
        classes.add(label);
      }
      return code;
    }

    int code(int f, String level) {
      Map<String, Integer> dict = levelCodes.get(f);
      Integer code = dict.get(level);
      if (code == null) {
        code = dict.size();
        dict.put(level, code);
        levels.get(f).add(level);
      }
      return code;
    }

    void add(
        int row,
        int line,
        String id,
        long hash,
        String label,
        double target,
        double[] x,
        int[] c,
        double unit) {
      if (size == capacity) {
        grow((int) Math.min(MAX_ROWS, capacity + (long) (capacity >> 1) + 16));
      }
      rows[size] = row;
      lines[size] = line;
      if (ids != null) {
        ids[size] = id;
      } else {
        idHash[size] = hash;
      }
      if (classification) {
        labels[size] = classCode(label);
      } else {
        targets[size] = target;
      }
      for (int f = 0; f < categorical.length; f++) {
        if (categorical[f]) {
          codes[f][size] = c[f];
        } else {
          numeric[f][size] = x[f];
        }
      }
      if (units != null) {
        units[size] = unit;
      }
      size++;
    }

    /**
     * Resizes every column to {@code n} (one column at a time, so the peak is one extra column).
     */
    private void grow(int n) {
      capacity = n;
      rows = Arrays.copyOf(rows, n);
      lines = Arrays.copyOf(lines, n);
      ids = ids == null ? null : Arrays.copyOf(ids, n);
      idHash = idHash == null ? null : Arrays.copyOf(idHash, n);
      labels = labels == null ? null : Arrays.copyOf(labels, n);
      targets = targets == null ? null : Arrays.copyOf(targets, n);
      for (int f = 0; f < categorical.length; f++) {
        if (categorical[f]) {
          codes[f] = Arrays.copyOf(codes[f], n);
        } else {
          numeric[f] = Arrays.copyOf(numeric[f], n);
        }
      }
      units = units == null ? null : Arrays.copyOf(units, n);
    }

    double[] units() {
      return units;
    }

    /**
     * Appends the rows of {@code o}, read after this builder's rows: its file rows after {@code
     * rowOffset} rows, its lines after {@code lineOffset} lines, its classes and levels coded as if
     * read here in order (codes in order of first appearance). One column at a time, so the peak is
     * one extra column.
     */
    void append(Builder o, int rowOffset, int lineOffset) {
      int[] classMap = null;
      if (classification) {
        classMap = new int[o.classes.size()];
        for (int k = 0; k < classMap.length; k++) {
          classMap[k] = classCode(o.classes.get(k));
        }
      }
      int n = size + o.size;
      rows = join(rows, size, o.rows, o.size, rowOffset);
      lines = join(lines, size, o.lines, o.size, lineOffset);
      if (ids != null) {
        ids = Arrays.copyOf(ids, n);
        System.arraycopy(o.ids, 0, ids, size, o.size);
      } else {
        idHash = Arrays.copyOf(idHash, n);
        System.arraycopy(o.idHash, 0, idHash, size, o.size);
      }
      if (classification) {
        labels = Arrays.copyOf(labels, n);
        for (int i = 0; i < o.size; i++) {
          labels[size + i] = classMap[o.labels[i]];
        }
      } else {
        targets = Arrays.copyOf(targets, n);
        System.arraycopy(o.targets, 0, targets, size, o.size);
      }
      for (int f = 0; f < categorical.length; f++) {
        if (categorical[f]) {
          List<String> theirs = o.levels.get(f);
          int[] map = new int[theirs.size()];
          for (int k = 0; k < map.length; k++) {
            map[k] = code(f, theirs.get(k));
          }
          int[] column = Arrays.copyOf(codes[f], n);
          int[] from = o.codes[f];
          for (int i = 0; i < o.size; i++) {
            column[size + i] = from[i] < 0 ? from[i] : map[from[i]];
          }
          codes[f] = column;
        } else {
          double[] column = Arrays.copyOf(numeric[f], n);
          System.arraycopy(o.numeric[f], 0, column, size, o.size);
          numeric[f] = column;
          o.numeric[f] = null;
        }
      }
      if (units != null) {
        units = Arrays.copyOf(units, n);
        System.arraycopy(o.units, 0, units, size, o.size);
      }
      size = n;
      capacity = n;
    }

    private static int[] join(int[] a, int n, int[] b, int m, int offset) {
      int[] out = Arrays.copyOf(a, n + m);
      for (int i = 0; i < m; i++) {
        out[n + i] = b[i] + offset;
      }
      return out;
    }

    Frame build(String display, Map<Integer, Integer> repeats) {
      if (size != capacity) {
        grow(size);
      }
      List<List<String>> frozen =
          levels.stream().map(l -> l == null ? null : List.copyOf(l)).toList();
      return new Frame(
          display,
          size,
          rows,
          lines,
          ids,
          idHash,
          repeats,
          labels,
          classification ? classes : null,
          targets,
          numeric,
          codes,
          frozen);
    }
  }

  /** A number read as a number (Parquet): it must be finite. */
  private static double finite(
      String display, int row, int line, String column, double value, LoadedConfig loaded)
      throws BadInputException {
    if (Double.isFinite(value)) {
      return value;
    }
    throw new BadInputException(
        rowProblem(
            display,
            row,
            line,
            column,
            "'" + value + "' is not a finite number.",
            "if it marks a missing value, write a null instead (and choose data.missing: drop or"
                + " impute-mean in "
                + loaded.displayName()
                + "); otherwise write the real value."));
  }

  private static double number(
      String display,
      int row,
      int line,
      String column,
      String cell,
      LoadedConfig loaded,
      boolean feature)
      throws BadInputException {
    if (Numbers.isDecimal(cell)) {
      double value = JavaDoubleParser.parseDouble(cell);
      if (Double.isFinite(value)) {
        return value;
      }
      throw new BadInputException(
          rowProblem(
              display,
              row,
              line,
              column,
              "'" + cell + "' is too large for a 64-bit floating-point number.",
              "rescale the column (e.g. use logarithms or other units)."));
    }
    if (Numbers.isNonFinite(cell)) {
      throw new BadInputException(
          rowProblem(
              display,
              row,
              line,
              column,
              "'" + cell + "' is not a finite number.",
              "if it marks a missing value, leave the cell empty (and choose data.missing: drop or impute-mean in "
                  + loaded.displayName()
                  + "); otherwise write the real value."));
    }
    throw new BadInputException(
        rowProblem(
            display,
            row,
            line,
            column,
            "'" + cell + "' is not a number.",
            (looksLikeAMissingMarker(cell)
                    ? "if '"
                        + cell
                        + "' marks a missing value, list it under data.na_values in "
                        + loaded.displayName()
                        + "; otherwise "
                    : "")
                + (feature
                    ? "correct the value, or list '"
                        + column
                        + "' under data.categorical in "
                        + loaded.displayName()
                        + " if it holds categories."
                    : "a regression target must be numeric; correct the value, or use 'task:"
                        + " classification' for classes.")));
  }

  /** Cells that spreadsheets and exports write for a missing value. */
  private static final Set<String> MISSING_MARKERS =
      Set.of(
          "na", "n/a", "#n/a", "null", "none", "nil", "missing", "?", "-", "--", ".", "undefined");

  private static boolean looksLikeAMissingMarker(String cell) {
    return MISSING_MARKERS.contains(cell.strip().toLowerCase(Locale.ROOT));
  }

  private static Problem rowProblem(
      String display, int row, int line, String column, String message, String fix) {
    return Problem.atRow(display, row, column, message, fix).onLine(line);
  }
}
