package dev.mlci.format.onnx;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlci.format.FeatureSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model the repository's own command exported ({@code trainer: external}), loaded into ONNX
 * Runtime: the one implementation that both {@code mlci evaluate} and the model server score such
 * models with, so the numbers on a pull request are those the image serves. It reads the model's
 * signature and feeds it in one of the two forms mlci accepts:
 *
 * <ul>
 *   <li>one float or double tensor {@code [N, F]} of the feature columns in {@code MLCI_FEATURES}
 *       order (numeric columns only);
 *   <li>one input per feature column, named as the column, each float, double, int64 or string of
 *       shape {@code [N, 1]} or {@code [N]} (what skl2onnx makes of a {@code ColumnTransformer}).
 * </ul>
 *
 * Classifiers must output probabilities: a float/double tensor {@code [N, classes]} or skl2onnx's
 * ZipMap (a sequence of maps from class to probability). With a ZipMap the classes are its keys;
 * with a tensor the column order is checked against the label output. Regressors output one
 * float/double tensor {@code [N]} or {@code [N, 1]}.
 *
 * <p>Thread-safe: {@link #score} creates its tensors per call, and ONNX Runtime's {@code
 * OrtSession.run} may be called concurrently on one session.
 */
public final class OnnxGraph implements AutoCloseable {
  /** Rows per ONNX Runtime call. */
  static final int BATCH = 4096;

  /** Largest deviation of a probability row's sum from 1. */
  static final double SUM_TOLERANCE = 1e-3;

  private final OrtSession session;
  private final FeatureSpec spec;
  private final boolean classification;
  private final OnnxSignature signature;

  /**
   * Scores of rows, in their order.
   *
   * @param probabilities classification: per row, in the spec's class order; else null
   * @param labels classification: the model's own label per row when it outputs one; else null
   * @param values regression: per row; else null
   */
  public record Scores(double[][] probabilities, String[] labels, double[] values) {}

  private OnnxGraph(OrtSession session, FeatureSpec spec) throws OnnxModelException, OrtException {
    this.session = session;
    this.spec = spec;
    this.classification = spec.target().isClassification();
    this.signature = new OnnxSignature(session, spec);
  }

  /**
   * Loads {@code model} into ONNX Runtime and checks that its signature fits {@code spec}.
   *
   * @throws OnnxModelException when ONNX Runtime cannot load it or its inputs or outputs fit
   *     neither form
   */
  public static OnnxGraph load(byte[] model, FeatureSpec spec) throws OnnxModelException {
    return load(model, spec, 0);
  }

  /**
   * {@link #load(byte[], FeatureSpec)} with {@code intraOpThreads} threads per call ({@code 0}:
   * ONNX Runtime's default, one per core). A server scoring a few rows per request, many requests
   * at once, passes 1: its parallelism is across requests, and a per-session pool spinning beside
   * the request threads costs latency.
   */
  public static OnnxGraph load(byte[] model, FeatureSpec spec, int intraOpThreads)
      throws OnnxModelException {
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      }
      session = environment().createSession(model, options);
    } catch (OrtException e) {
      throw new OnnxModelException(
          "ONNX Runtime cannot load model.onnx: " + e.getMessage(),
          "write a valid ONNX model (onnx.checker.check_model passes) with an opset ONNX Runtime"
              + " supports.");
    }
    try {
      return new OnnxGraph(session, spec);
    } catch (OrtException e) {
      close(session);
      throw new OnnxModelException(
          "ONNX Runtime cannot read model.onnx's signature: " + e.getMessage(),
          "write a valid ONNX model.");
    } catch (OnnxModelException | RuntimeException e) {
      close(session);
      throw e;
    }
  }

  /**
   * ONNX Runtime's environment, one per process. DJL's OnnxRuntime engine (which serves mlci's own
   * exports, in the server and the engine) creates it with thread-pool options and fails when one
   * already exists; so where that engine is on the class path it is started first, and this returns
   * the environment it made.
   */
  static OrtEnvironment environment() {
    if (Engine.hasEngine(DJL_ONNX_RUNTIME)) {
      Engine.getEngine(DJL_ONNX_RUNTIME);
    }
    return OrtEnvironment.getEnvironment();
  }

  private static final String DJL_ONNX_RUNTIME = "OnnxRuntime";

  /**
   * Loads ONNX Runtime's native library and creates its environment now, as the first {@link #load}
   * would: for a caller that has time to spare before its model exists (the engine while the
   * training command runs). Failures are left for {@link #load} to report.
   */
  public static void start() {
    try {
      environment();
    } catch (RuntimeException | LinkageError e) {
      // load() meets the same failure and reports it with the model it was loading.
    }
  }

  /** Which of the two input forms the model takes, for records. */
  public String inputForm() {
    return signature.tensorInput != null
        ? "tensor '"
            + signature.tensorInput
            + "' "
            + OnnxSignature.typeName(signature.tensorType)
            + " [N, "
            + spec.columns().size()
            + "]"
        : "one input per column";
  }

  /**
   * One input of a model in the per-column form.
   *
   * @param column the feature column it takes
   * @param name the model's name for it (the column's, or as skl2onnx sanitises it)
   * @param numpyType its element type as numpy names it: {@code float32}, {@code float64}, {@code
   *     int64} or {@code object} (strings)
   * @param rank 1 for shape {@code [N]}, 2 for {@code [N, 1]}
   */
  public record ColumnInput(String column, String name, String numpyType, int rank) {}

  /** The inputs in {@code features.json} column order; empty in the one-tensor form. */
  public List<ColumnInput> columnInputs() {
    if (signature.tensorInput != null) {
      return List.of();
    }
    return spec.columns().stream()
        .map(
            c -> {
              ai.onnxruntime.TensorInfo t = signature.columnInputs.get(c.name());
              String type =
                  switch (t.type) {
                    case FLOAT -> "float32";
                    case DOUBLE -> "float64";
                    case INT64 -> "int64";
                    default -> "object";
                  };
              return new ColumnInput(
                  c.name(), signature.inputNames.get(c.name()), type, t.getShape().length);
            })
        .toList();
  }

  /**
   * Scores {@code rows}: classification gives probabilities in {@code spec}'s class order (and the
   * model's labels when it outputs them), regression the values.
   *
   * @throws OnnxModelException when scoring fails or gives non-finite numbers or classes that
   *     differ from {@code MLCI_CLASSES}
   */
  public Scores score(OnnxRows rows) throws OnnxModelException {
    int n = rows.size();
    List<String> classes = classification ? spec.target().classes() : List.of();
    double[][] probabilities = classification ? new double[n][] : null;
    String[] labels = classification && signature.labelOutput != null ? new String[n] : null;
    double[] values = classification ? null : new double[n];
    for (int from = 0; from < n; from += BATCH) {
      int size = Math.min(BATCH, n - from);
      Map<String, OnnxTensor> feed = new HashMap<>();
      try {
        OnnxFeed.feed(signature, spec, rows, from, size, feed);
        try (OrtSession.Result result = session.run(feed)) {
          if (classification) {
            OnnxOutputs.classify(
                signature, result, rows, from, size, classes, probabilities, labels);
          } else {
            OnnxOutputs.regress(signature, result, rows, from, size, values);
          }
        }
      } catch (OrtException e) {
        throw new OnnxModelException(
            "ONNX Runtime fails to score rows "
                + rows.where(from)
                + " to "
                + rows.where(from + size - 1)
                + ": "
                + e.getMessage(),
            "check the exported model with onnxruntime in Python on the same rows.",
            true);
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
    return new Scores(probabilities, labels, values);
  }

  private static void close(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // Nothing to recover: the session was never used.
    }
  }

  @Override
  public void close() {
    close(session);
  }
}
