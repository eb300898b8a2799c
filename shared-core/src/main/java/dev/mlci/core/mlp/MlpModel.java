package dev.mlci.core.mlp;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.mlci.format.MlpNetwork;
import dev.mlci.format.MlpSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * A trained {@code mlp}: a DJL network, seen by the rest of mlci as a Tribuo model, so evaluation,
 * the finiteness check and provenance treat it like every other trainer's model. Rows become the
 * network's input by feature name, in the order of features.json; the network runs on DJL's PyTorch
 * engine, as in the model server.
 *
 * <p>It is stored as {@code mlp.json} and DJL parameters, never as {@code model.tribuo}.
 */
public final class MlpModel<T extends Output<T>> extends Model<T> {
  private static final long serialVersionUID = 1L;

  private final transient MlpNetwork network;
  private final List<String> featureNames;
  private final List<String> classes;
  private final String targetName;
  private final Map<String, Integer> index;

  MlpModel(
      String name,
      ModelProvenance provenance,
      ImmutableFeatureMap features,
      ImmutableOutputInfo<T> outputs,
      MlpNetwork network,
      List<String> featureNames,
      List<String> classes,
      String targetName) {
    super(name, provenance, features, outputs, network.spec().classification());
    this.network = network;
    this.featureNames = List.copyOf(featureNames);
    this.classes = List.copyOf(classes);
    this.targetName = targetName;
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      idx.put(featureNames.get(i), i);
    }
    this.index = Map.copyOf(idx);
  }

  /**
   * The model stored in {@code dir}. Its Tribuo provenance is not stored (provenance.json holds
   * what the run recorded): a loaded model's provenance names only the model directory.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static MlpModel<?> load(
      Path dir, MlpSpec spec, List<String> featureNames, List<String> classes, String targetName)
      throws IOException {
    try {
      Engines.pytorch();
    } catch (Engines.EngineUnavailableException e) {
      throw new IOException(e.getMessage(), e);
    }
    MlpNetwork network = MlpNetwork.load(dir, spec);
    OutputFactory factory = spec.classification() ? new LabelFactory() : new RegressionFactory();
    OffsetDateTime epoch = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
    MutableDataset empty =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("mlci model directory", epoch, factory), factory);
    ModelProvenance provenance =
        new ModelProvenance(
            MlpModel.class.getName(),
            epoch,
            empty.getProvenance(),
            new TrainerProvenanceImpl(new MlpTrainer<Label>()));
    return new MlpModel<>(
        "mlp",
        provenance,
        new ImmutableFeatureMap(empty.getFeatureMap()),
        empty.getOutputIDInfo(),
        network,
        featureNames,
        classes,
        targetName);
  }

  /**
   * Frees the native memory of {@code model}'s network when it is an mlp; other models hold none.
   * Call when done with a model.
   */
  public static void release(Model<?> model) {
    if (model instanceof MlpModel<?> mlp && mlp.network != null) {
      mlp.network.close();
    }
  }

  public MlpNetwork network() {
    return network;
  }

  public MlpSpec spec() {
    return network.spec();
  }

  /** Writes the network's parameters into {@code dir}. */
  public void saveParameters(Path dir) throws IOException {
    network.save(dir);
  }

  private float[] vector(Example<T> example) {
    float[] x = new float[featureNames.size()];
    for (Feature f : example) {
      Integer i = index.get(f.getName());
      if (i != null) {
        x[i] = (float) f.getValue();
      }
    }
    return x;
  }

  @Override
  public Prediction<T> predict(Example<T> example) {
    return predict(List.of(example)).get(0);
  }

  @Override
  public List<Prediction<T>> predict(Iterable<Example<T>> examples) {
    List<Example<T>> all = new ArrayList<>();
    examples.forEach(all::add);
    float[][] rows = new float[all.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = vector(all.get(i));
    }
    double[][] out = network.predict(rows);
    List<Prediction<T>> predictions = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      predictions.add(prediction(all.get(i), out[i]));
    }
    return predictions;
  }

  @SuppressWarnings("unchecked")
  private Prediction<T> prediction(Example<T> example, double[] out) {
    int used = example.size();
    if (!network.spec().classification()) {
      return new Prediction<>((T) new Regressor(targetName, out[0]), used, example);
    }
    Map<String, T> scores = new LinkedHashMap<>();
    int best = 0;
    for (int c = 0; c < classes.size(); c++) {
      scores.put(classes.get(c), (T) new Label(classes.get(c), out[c]));
      if (out[c] > out[best]) {
        best = c;
      }
    }
    return new Prediction<>(
        (T) new Label(classes.get(best), out[best]), scores, used, example, true);
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    // A network has no per-feature weights to rank.
    return Map.of();
  }

  @Override
  public Optional<Excuse<T>> getExcuse(Example<T> example) {
    return Optional.empty();
  }

  @Override
  protected Model<T> copy(String newName, ModelProvenance newProvenance) {
    return new MlpModel<>(
        newName,
        newProvenance,
        featureIDMap,
        outputIDInfo,
        network,
        featureNames,
        classes,
        targetName);
  }
}
