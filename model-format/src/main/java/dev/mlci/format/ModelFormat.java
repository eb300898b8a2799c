package dev.mlci.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Names of the files in a model directory, and the version of mlci that writes them. */
public final class ModelFormat {
  /** The Tribuo model in Tribuo's protobuf format (never Java serialization). */
  public static final String TRIBUO_MODEL = "model.tribuo";

  /** The ONNX export, when the model can be exported. */
  public static final String ONNX_MODEL = "model.onnx";

  /** An {@code mlp} model's architecture ({@code mlci.mlp/v1}), read by {@link MlpNetwork}. */
  public static final String MLP_SPEC = "mlp.json";

  /** An {@code mlp} model's trained parameters, in DJL's parameter format. */
  public static final String MLP_PARAMS = "mlp-0000.params";

  /** How the model is served: backend and meaning of its outputs ({@code mlci.serving/v1}). */
  public static final String SERVING = "serving.json";

  /** How input columns become features ({@code mlci.features/v1}). */
  public static final String FEATURES = "features.json";

  /** MLflow's model description. */
  public static final String MLMODEL = "MLmodel";

  /** An example input in MLflow's "split" DataFrame layout. */
  public static final String INPUT_EXAMPLE = "input_example.json";

  /** Where the model came from ({@code mlci.provenance/v1}). */
  public static final String PROVENANCE = "provenance.json";

  /** SHA-256 of every other file, in {@code sha256sum} format. */
  public static final String CHECKSUMS = "checksums.sha256";

  /**
   * When the run happened; the one file that differs between identical runs, so it is not
   * checksummed.
   */
  public static final String RUN_INFO = "run.json";

  /**
   * The marker mlci puts in every directory it writes, so it never replaces or deletes a directory
   * of the user's; like {@link #RUN_INFO}, not part of the model and not checksummed.
   */
  public static final String OWNER_MARKER = ".mlci-output";

  private static final String VERSION = readVersion();

  private ModelFormat() {}

  /** This mlci's version, e.g. {@code 0.1.0}. */
  public static String mlciVersion() {
    return VERSION;
  }

  private static String readVersion() {
    try (InputStream in =
        ModelFormat.class.getResourceAsStream("/dev/mlci/format/mlci-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
