package dev.mlci.core.data;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Some rows of a {@link Frame} (the training or the test rows), in file order, as a read-only list
 * of {@link DataRow}s made on demand: iterating costs one short-lived row at a time, never a copy
 * of the set. Column accessors ({@link #numeric}, {@link #numericColumn}, {@link #label}) read the
 * frame without making rows.
 */
public final class Rows extends AbstractList<DataRow> implements RandomAccess {
  private final Frame frame;
  private final int[] index;

  /**
   * @param index the frame rows, ascending; null for all of them
   */
  Rows(Frame frame, int[] index) {
    this.frame = frame;
    this.index = index;
  }

  /** The frame these rows are part of. */
  public Frame frame() {
    return frame;
  }

  /** The frame row of row {@code i}. */
  public int frameRow(int i) {
    return index == null ? i : index[i];
  }

  @Override
  public DataRow get(int i) {
    return frame.row(frameRow(checked(i)));
  }

  @Override
  public int size() {
    return index == null ? frame.size() : index.length;
  }

  /**
   * The rows {@code from} (inclusive) to {@code to} (exclusive) as made {@link DataRow}s: a batch
   * (ONNX scoring, the finite check) reads its rows cell by cell, and a view would make a row per
   * cell. The rows never change, so the copy reads like the view.
   */
  @Override
  public List<DataRow> subList(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("rows " + from + " to " + to + " of " + size());
    }
    DataRow[] out = new DataRow[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = frame.row(frameRow(i));
    }
    return List.of(out);
  }

  /** The id of row {@code i} of {@code rows}, read from the columns when they are {@link Rows}. */
  public static String id(List<DataRow> rows, int i) {
    return rows instanceof Rows r ? r.id(i) : rows.get(i).id();
  }

  /**
   * The class of row {@code i} of {@code rows}, read from the columns when they are {@link Rows}.
   */
  public static String label(List<DataRow> rows, int i) {
    return rows instanceof Rows r ? r.label(i) : rows.get(i).label();
  }

  /** The id of row {@code i}. */
  public String id(int i) {
    return frame.id(frameRow(checked(i)));
  }

  /** Classification: the class of row {@code i}. */
  public String label(int i) {
    return frame.label(frameRow(checked(i)));
  }

  /** Regression: the target of row {@code i}. */
  public double target(int i) {
    return frame.target(frameRow(checked(i)));
  }

  /** Numeric feature {@code f} of row {@code i} (NaN when missing). */
  public double numeric(int f, int i) {
    return frame.numeric(f, frameRow(checked(i)));
  }

  /** Categorical feature {@code f} of row {@code i} (null when missing). */
  public String level(int f, int i) {
    return frame.level(f, frameRow(checked(i)));
  }

  /** Numeric feature {@code f} of these rows as a new array (NaN when missing). */
  public double[] numericColumn(int f) {
    double[] out = new double[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = frame.numeric(f, frameRow(i));
    }
    return out;
  }

  /**
   * Numeric feature {@code f} of rows {@code from} to {@code from + length} (exclusive) into the
   * start of {@code out} (NaN when missing): a column read a block at a time, without a check per
   * cell.
   */
  public void numericColumn(int f, int from, int length, double[] out) {
    if (from < 0 || length < 0 || from + length > size() || length > out.length) {
      throw new IndexOutOfBoundsException(
          "rows " + from + " to " + (from + length) + " of " + size() + " into " + out.length);
    }
    for (int i = 0; i < length; i++) {
      out[i] = frame.numeric(f, frameRow(from + i));
    }
  }

  /**
   * Categorical feature {@code f} of these rows, counted per category (the data profile); missing
   * values are not counted.
   */
  public java.util.Map<String, Long> levelCounts(int f) {
    List<String> levels = frame.levels(f);
    long[] counts = new long[levels.size()];
    for (int i = 0; i < size(); i++) {
      int code = frame.code(f, frameRow(i));
      if (code >= 0) {
        counts[code]++;
      }
    }
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int l = 0; l < counts.length; l++) {
      if (counts[l] > 0) {
        out.merge(levels.get(l), counts[l], Long::sum);
      }
    }
    return out;
  }

  private int checked(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("row " + i + " of " + size());
    }
    return i;
  }
}
