package dev.mlci.core.eval;

import dev.mlci.format.profile.DataProfile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Everything the gate needs of one evaluation, in one file: the metrics, the per-example
 * predictions, and what produced them (commit, model digest, config digest, input signature).
 * {@code mlci evaluate} writes it next to {@code metrics.json}; {@code mlci baseline record} stores
 * the same bytes as a git note; {@code mlci gate --baseline FILE} reads one back (e.g. from a CI
 * artifact).
 *
 * <p>Format ({@value #SCHEMA}; {@value #SCHEMA_V2} when it holds {@link #replicates}, whose
 * predictions follow the main ones as a {@code replicates} array of {@code {seed, predicted,
 * scores}}, sharing the main ids and truth; both are read): gzip-compressed JSON with the
 * predictions stored column by column, so 100,000 rows stay compact (about 2 MB with two classes)
 * and load in a fraction of a second. Inspect one with {@code gunzip -c evaluation.mlci.gz | jq .};
 * in a git note it is stored per model ({@code dev.mlci.core.git.BaselineNote}).
 *
 * @param name model name
 * @param task {@code classification} or {@code regression}
 * @param commit the evaluated commit, or empty outside git
 * @param dirty whether tracked files had uncommitted changes
 * @param modelDigest the model directory's digest
 * @param configSha256 SHA-256 of ml.yaml
 * @param inputs the input signature (files, split, columns) as JSON
 * @param metrics defined metrics
 * @param undefined undefined metrics and why
 * @param predictions per-example predictions
 * @param replicates further trainings with other seeds ({@code gate.training_noise}), scored on the
 *     same examples in the same order; empty without training noise
 * @param data the data profile of the training and test rows (the data gate's input, field {@code
 *     data_profile}); empty in bundles written before it (older readers ignore the field)
 */
public record EvaluationBundle(
    String name,
    String task,
    Optional<String> commit,
    boolean dirty,
    String modelDigest,
    String configSha256,
    JsonNode inputs,
    Map<String, Double> metrics,
    Map<String, String> undefined,
    Predictions predictions,
    List<Replicate> replicates,
    Optional<DataProfile> data) {

  /** Version of the format without replicates (written byte for byte as before them). */
  public static final String SCHEMA = "mlci.bundle/v1";

  /** Version of the format with replicates ({@code gate.training_noise}). */
  public static final String SCHEMA_V2 = "mlci.bundle/v2";

  /** File name in the evaluation directory. */
  public static final String FILE = "evaluation.mlci.gz";

  /**
   * The most bytes a bundle may inflate to ({@value}, 256 MiB), checked while inflating: a small
   * gzip "bomb" (300 million zeros in 584 KB) is refused before it fills the heap. A real bundle of
   * a million two-class examples is about 40 MB.
   */
  public static final long MAX_INFLATED_BYTES = 256L << 20;

  /**
   * The most prediction values (ids, truths, predictions, scores together) a bundle may hold
   * ({@value}); about two million examples of two classes.
   */
  public static final long MAX_VALUES = 10_000_000;

  public EvaluationBundle {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(modelDigest, "modelDigest");
    Objects.requireNonNull(configSha256, "configSha256");
    Objects.requireNonNull(inputs, "inputs");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    undefined = Collections.unmodifiableMap(new LinkedHashMap<>(undefined));
    Objects.requireNonNull(predictions, "predictions");
    replicates = List.copyOf(replicates);
    Objects.requireNonNull(data, "data");
    for (Replicate r : replicates) {
      if (!r.predictions().ids().equals(predictions.ids())) {
        throw new IllegalArgumentException(
            "the replicate of seed " + r.seed() + " was scored on other examples");
      }
    }
  }

  /** A bundle without a data profile (as written before the data gate). */
  public EvaluationBundle(
      String name,
      String task,
      Optional<String> commit,
      boolean dirty,
      String modelDigest,
      String configSha256,
      JsonNode inputs,
      Map<String, Double> metrics,
      Map<String, String> undefined,
      Predictions predictions,
      List<Replicate> replicates) {
    this(
        name,
        task,
        commit,
        dirty,
        modelDigest,
        configSha256,
        inputs,
        metrics,
        undefined,
        predictions,
        replicates,
        Optional.empty());
  }

  /** The same bundle with {@code replicates}. */
  public EvaluationBundle withReplicates(List<Replicate> replicates) {
    return copy(commit, dirty, replicates, data);
  }

  /** The same bundle with the data profile {@code data}. */
  public EvaluationBundle withData(DataProfile data) {
    return copy(commit, dirty, replicates, Optional.of(data));
  }

  /** The same bundle attributed to {@code commit}, not dirty (a baseline rebuilt there). */
  public EvaluationBundle atCommit(String commit) {
    return copy(Optional.of(commit), false, replicates, data);
  }

  private EvaluationBundle copy(
      Optional<String> commit,
      boolean dirty,
      List<Replicate> replicates,
      Optional<DataProfile> data) {
    return new EvaluationBundle(
        name,
        task,
        commit,
        dirty,
        modelDigest,
        configSha256,
        inputs,
        metrics,
        undefined,
        predictions,
        replicates,
        data);
  }

  /** Every training's predictions: the bundle's own first, then the replicates'. */
  public List<Predictions> allPredictions() {
    List<Predictions> all = new ArrayList<>(1 + replicates.size());
    all.add(predictions);
    replicates.forEach(r -> all.add(r.predictions()));
    return all;
  }

  /** Writes the bundle, gzip-compressed, to {@code out} (which it closes). */
  public void write(OutputStream out) throws IOException {
    BundleWriter.write(this, out);
  }

  /**
   * The model name of the bundle in {@code bytes} (for git notes written before notes were keyed by
   * model).
   *
   * @throws IllegalArgumentException when the bytes are not a readable bundle
   */
  public static String nameOf(byte[] bytes) {
    try {
      return read(new ByteArrayInputStream(bytes)).name();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads a bundle written by {@link #write}, streaming the prediction columns straight into arrays
   * (a 100,000-row bundle loads in well under a second).
   *
   * @throws IllegalArgumentException naming what is wrong when the bytes are not a bundle of this
   *     version
   */
  public static EvaluationBundle read(InputStream in) throws IOException {
    return BundleReader.read(in);
  }
}
