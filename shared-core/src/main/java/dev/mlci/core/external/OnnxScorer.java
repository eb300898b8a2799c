package dev.mlci.core.external;

import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.Rows;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.onnx.OnnxGraph;
import dev.mlci.format.onnx.OnnxRows;
import java.util.List;

/**
 * Scores data rows through ONNX Runtime with a model the repository's own command exported: the
 * engine's side of {@link OnnxGraph}, which the model server serves the same model with. The input
 * forms, the outputs read and every check on them live there; this class only lets it read {@link
 * DataRow}s in place and places its failures as {@link OnnxModelException}s.
 */
public final class OnnxScorer implements AutoCloseable {
  private final OnnxGraph graph;

  /**
   * Scores of a batch of rows.
   *
   * @param probabilities classification: per row, in the spec's class order; else null
   * @param labels classification: the model's own label per row when it outputs one; else null
   * @param values regression: per row; else null
   */
  public record Scores(double[][] probabilities, String[] labels, double[] values) {}

  private OnnxScorer(OnnxGraph graph) {
    this.graph = graph;
  }

  /**
   * Loads {@code model} into ONNX Runtime and checks that its signature fits {@code spec}.
   *
   * @throws OnnxModelException when ONNX Runtime cannot load it or its inputs or outputs fit
   *     neither form
   */
  public static OnnxScorer load(byte[] model, FeatureSpec spec) throws OnnxModelException {
    return load(model, spec, 0);
  }

  /**
   * {@link #load(byte[], FeatureSpec)} with {@code intraOpThreads} ONNX Runtime threads per call
   * ({@code 0}: one per core).
   */
  public static OnnxScorer load(byte[] model, FeatureSpec spec, int intraOpThreads)
      throws OnnxModelException {
    try {
      return new OnnxScorer(OnnxGraph.load(model, spec, intraOpThreads));
    } catch (dev.mlci.format.onnx.OnnxModelException e) {
      throw new OnnxModelException(e.getMessage(), e.fix());
    }
  }

  /** Which of the two input forms the model takes, for records. */
  public String inputForm() {
    return graph.inputForm();
  }

  /** The inputs in {@code features.json} column order; empty in the one-tensor form. */
  public List<OnnxGraph.ColumnInput> columnInputs() {
    return graph.columnInputs();
  }

  /**
   * Scores {@code rows}: classification gives probabilities in the spec's class order (and the
   * model's labels when it outputs them), regression the values.
   *
   * @throws OnnxModelException when scoring fails or gives non-finite numbers or classes that
   *     differ from {@code MLCI_CLASSES}
   */
  public Scores score(List<DataRow> rows) throws OnnxModelException {
    try {
      // The loader's rows are read column by column in place: a DataRow per cell would copy the
      // whole row for each of its cells (80,061 x 20 copies for bench/external's training rows).
      OnnxRows in = rows instanceof Rows r ? new Columns(r) : new Made(rows);
      OnnxGraph.Scores s = graph.score(in);
      return new Scores(s.probabilities(), s.labels(), s.values());
    } catch (dev.mlci.format.onnx.OnnxModelException e) {
      throw new OnnxModelException(e.getMessage(), e.fix());
    }
  }

  /** Rows of any list, as {@link OnnxGraph} reads them, named by file, row and id in messages. */
  private record Made(List<DataRow> rows) implements OnnxRows {
    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public double number(int row, int column) {
      return rows.get(row).numeric()[column];
    }

    @Override
    public String level(int row, int column) {
      return rows.get(row).categorical()[column];
    }

    @Override
    public String where(int row) {
      return OnnxScorer.where(rows.get(row));
    }
  }

  /** The loader's rows, read from its columns without making a row per cell. */
  private record Columns(Rows rows) implements OnnxRows {
    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public double number(int row, int column) {
      return rows.numeric(column, row);
    }

    @Override
    public String level(int row, int column) {
      return rows.level(column, row);
    }

    @Override
    public String where(int row) {
      return OnnxScorer.where(rows.get(row));
    }
  }

  private static String where(DataRow r) {
    return "row " + r.row() + " of " + r.file() + " (id " + r.id() + ")";
  }

  @Override
  public void close() {
    graph.close();
  }
}
