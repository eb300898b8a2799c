package dev.mlci.core.data;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The checked rows of one data file, held by column: a {@code double[]} per numeric feature, a
 * dictionary-encoded {@code int[]} per categorical one, the target as {@code int[]} codes of its
 * classes or as {@code double[]}, and per row its file row and line. Content-hash ids are kept as
 * the 8 bytes they print ({@code h:<16 hex>}), not as strings. About 8 bytes per numeric cell, 4
 * per categorical cell and 24 per row.
 *
 * <p>Immutable once built (by {@link RowParser}); {@link #row} gives the familiar {@link DataRow}
 * view, made on demand.
 */
public final class Frame {
  private static final HexFormat HEX = HexFormat.of();

  private final String file;
  private final int size;
  private final int[] rows;
  private final int[] lines;
  private final String[] ids;
  private final long[] idHash;
  private final Map<Integer, Integer> repeats;
  private final int[] labels;
  private final List<String> classes;
  private final double[] targets;
  private final double[][] numeric;
  private final int[][] codes;
  private final List<List<String>> levels;

  Frame(
      String file,
      int size,
      int[] rows,
      int[] lines,
      String[] ids,
      long[] idHash,
      Map<Integer, Integer> repeats,
      int[] labels,
      List<String> classes,
      double[] targets,
      double[][] numeric,
      int[][] codes,
      List<List<String>> levels) {
    this.file = file;
    this.size = size;
    this.rows = rows;
    this.lines = lines;
    this.ids = ids;
    this.idHash = idHash;
    this.repeats = Map.copyOf(repeats);
    this.labels = labels;
    this.classes = classes == null ? null : List.copyOf(classes);
    this.targets = targets;
    this.numeric = numeric;
    this.codes = codes;
    this.levels = levels;
  }

  /** The file the rows come from, as named in messages. */
  public String file() {
    return file;
  }

  /** Rows kept (rows dropped for missing values are not in it). */
  public int size() {
    return size;
  }

  /** Feature columns. */
  public int width() {
    return numeric.length;
  }

  /** The 1-based data row in the file of row {@code i}. */
  public int fileRow(int i) {
    return rows[i];
  }

  /** The 1-based line row {@code i} starts on. */
  public int line(int i) {
    return lines[i];
  }

  /** The id of row {@code i}, as {@link DataRow#id()}. */
  public String id(int i) {
    if (ids != null) {
      return ids[i];
    }
    Integer n = repeats.get(rows[i]);
    return "h:" + HEX.toHexDigits(idHash[i]) + (n == null ? "" : "#" + n);
  }

  /** Classification: the class of row {@code i}; else null. */
  public String label(int i) {
    return labels == null ? null : classes.get(labels[i]);
  }

  /** Regression: the target of row {@code i}; else NaN. */
  public double target(int i) {
    return targets == null ? Double.NaN : targets[i];
  }

  /** Whether feature {@code f} is categorical. */
  public boolean isCategorical(int f) {
    return codes[f] != null;
  }

  /** Numeric feature {@code f} of row {@code i}, NaN when missing (or categorical). */
  public double numeric(int f, int i) {
    double[] column = numeric[f];
    return column == null ? Double.NaN : column[i];
  }

  /** Categorical feature {@code f} of row {@code i}, null when missing (or numeric). */
  public String level(int f, int i) {
    int[] column = codes[f];
    if (column == null) {
      return null;
    }
    int code = column[i];
    return code < 0 ? null : levels.get(f).get(code);
  }

  /**
   * Categorical feature {@code f}: the code of row {@code i} in {@link #levels}, -1 when missing.
   */
  int code(int f, int i) {
    return codes[f][i];
  }

  /** Categorical feature {@code f}: its levels, indexed by {@link #code}. */
  List<String> levels(int f) {
    return levels.get(f);
  }

  /** Row {@code i} as a {@link DataRow} (a fresh copy of its cells). */
  public DataRow row(int i) {
    int width = width();
    double[] x = new double[width];
    String[] c = new String[width];
    for (int f = 0; f < width; f++) {
      x[f] = numeric(f, i);
      c[f] = level(f, i);
    }
    return new DataRow(id(i), file, rows[i], lines[i], label(i), target(i), x, c);
  }
}
