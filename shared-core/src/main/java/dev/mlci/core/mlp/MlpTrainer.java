package dev.mlci.core.mlp;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.mlci.format.MlpNetwork;
import dev.mlci.format.MlpSpec;
import java.nio.FloatBuffer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.Regressor;

/**
 * Trains a multi-layer perceptron with DJL's PyTorch engine, as a Tribuo trainer: the rest of mlci
 * (data encoding, standardisation, evaluation, provenance) is shared with the Tribuo trainers.
 * Classification ends in a softmax over the classes (cross-entropy loss), regression in one output
 * on a standardised target (squared loss).
 *
 * <p>Early stopping holds out {@code validationFraction} of the training rows (seeded), stops after
 * {@code patience} epochs without a better validation loss and keeps the best epoch's parameters.
 * Progress is logged once per epoch through java.util.logging, as Tribuo's trainers do, for mlci's
 * progress display and the training curves in MLflow.
 *
 * <p>Runs are deterministic on CPU: fixed seeds for PyTorch, the initialisation, the validation
 * split and every epoch's shuffle, and one PyTorch thread.
 */
public final class MlpTrainer<T extends Output<T>> implements org.tribuo.Trainer<T> {
  /** The logger whose epoch lines mlci's progress bridge reads. */
  public static final String LOGGER = MlpTrainer.class.getName();

  private static final Logger LOG = Logger.getLogger(LOGGER);

  @Config(description = "Units of each hidden layer.")
  private int[] hidden = {128, 64};

  @Config(description = "Hidden-layer activation: relu, tanh or sigmoid.")
  private String activation = "relu";

  @Config(description = "Dropout rate after each hidden layer.")
  private double dropout = 0;

  @Config(description = "Maximum epochs.")
  private int epochs = 100;

  @Config(description = "Minibatch size.")
  private int batchSize = 32;

  @Config(description = "Learning rate.")
  private double learningRate = 0.001;

  @Config(description = "Optimizer: adam, sgd or adagrad.")
  private String optimizer = "adam";

  @Config(description = "L2 weight decay.")
  private double weightDecay = 0;

  @Config(description = "Epochs without a better validation loss before stopping; 0: never.")
  private int patience = 10;

  @Config(description = "Fraction of the training rows held out for early stopping.")
  private double validationFraction = 0.1;

  @Config(description = "Seed of every random choice.")
  private long seed = 42;

  private final List<String> featureNames;
  private final List<String> classes;
  private final String targetName;
  private int invocations;

  /** The declared defaults: for OLCUT's configuration system and a loaded model's provenance. */
  MlpTrainer() {
    this.featureNames = List.of();
    this.classes = List.of();
    this.targetName = "";
  }

  /**
   * @param featureNames the encoded features, in features.json's order (the network's input)
   * @param classes classification: the classes in mlci's order; regression: empty
   * @param targetName regression: the target's name
   */
  public MlpTrainer(
      List<Integer> hidden,
      String activation,
      double dropout,
      int epochs,
      int batchSize,
      double learningRate,
      String optimizer,
      double weightDecay,
      int patience,
      double validationFraction,
      long seed,
      List<String> featureNames,
      List<String> classes,
      String targetName) {
    this.hidden = hidden.stream().mapToInt(Integer::intValue).toArray();
    this.activation = activation;
    this.dropout = dropout;
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.learningRate = learningRate;
    this.optimizer = optimizer;
    this.weightDecay = weightDecay;
    this.patience = patience;
    this.validationFraction = validationFraction;
    this.seed = seed;
    this.featureNames = List.copyOf(featureNames);
    this.classes = List.copyOf(classes);
    this.targetName = targetName;
  }

  @Override
  public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
    return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
  }

  @Override
  public synchronized Model<T> train(
      Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
    if (invocationCount != INCREMENT_INVOCATION_COUNT) {
      invocations = invocationCount;
    }
    TrainerProvenance trainerProvenance = getProvenance();
    invocations++;
    boolean classification = !classes.isEmpty();
    int n = examples.size();
    int d = featureNames.size();
    float[][] x = new float[n][d];
    float[] y = new float[n];
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < d; j++) {
      index.put(featureNames.get(j), j);
    }
    int i = 0;
    for (Example<T> e : examples) {
      for (Feature f : e) {
        Integer j = index.get(f.getName());
        if (j != null) {
          x[i][j] = (float) f.getValue();
        }
      }
      y[i] =
          classification
              ? classes.indexOf(((Label) e.getOutput()).getLabel())
              : (float) ((Regressor) e.getOutput()).getValues()[0];
      i++;
    }

    // The held-out rows for early stopping, and the rows trained on.
    List<Integer> order = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      order.add(r);
    }
    Random random = new Random(seed);
    Collections.shuffle(order, random);
    int held = patience > 0 ? (int) Math.round(n * validationFraction) : 0;
    held = Math.min(held, n - 1);
    int[] valid = order.subList(0, held).stream().mapToInt(Integer::intValue).toArray();
    int[] train = order.subList(held, n).stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(valid);
    Arrays.sort(train);

    double mean = 0;
    double scale = 1;
    if (!classification) {
      for (int r : train) {
        mean += y[r];
      }
      mean /= train.length;
      double ss = 0;
      for (int r : train) {
        ss += (y[r] - mean) * (y[r] - mean);
      }
      scale = train.length > 1 ? Math.sqrt(ss / (train.length - 1)) : 1;
      if (!(scale > 0)) {
        scale = 1;
      }
      for (int r = 0; r < n; r++) {
        y[r] = (float) ((y[r] - mean) / scale);
      }
    }
    MlpSpec spec =
        new MlpSpec(
            d,
            Arrays.stream(hidden).boxed().toList(),
            MlpSpec.Activation.fromYaml(activation),
            dropout,
            classification ? classes.size() : 1,
            classification,
            mean,
            scale);

    Engine engine = Engines.pytorch();
    engine.setRandomSeed((int) seed);
    MlpNetwork network = MlpNetwork.create(spec);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(classification ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss())
            .optOptimizer(optimizer())
            .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    try (Trainer trainer = network.model().newTrainer(config);
        NDManager data = network.model().getNDManager().newSubManager()) {
      trainer.initialize(new Shape(batchSize, d));
      NDArray xAll = data.create(flatten(x), new Shape(n, d));
      NDArray yAll =
          classification ? data.create(y, new Shape(n)) : data.create(y, new Shape(n, 1));
      double best = Double.POSITIVE_INFINITY;
      int sinceBest = 0;
      List<Pair<String, float[]>> bestParameters = null;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        int[] shuffled = shuffled(train, random);
        double total = 0;
        for (int start = 0; start < shuffled.length; start += batchSize) {
          int end = Math.min(shuffled.length, start + batchSize);
          try (NDManager batch = data.newSubManager()) {
            NDArray rows = batch.create(Arrays.copyOfRange(shuffled, start, end));
            // Slices belong to the array they are cut from: attach them (and so everything
            // computed from them) to the batch's manager, which frees them after the step.
            NDArray xb = xAll.get(rows);
            xb.attach(batch);
            NDArray yb = yAll.get(rows);
            yb.attach(batch);
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDArray out = trainer.forward(new NDList(xb)).singletonOrThrow();
              NDArray loss = trainer.getLoss().evaluate(new NDList(yb), new NDList(out));
              collector.backward(loss);
              total += loss.getFloat() * (end - start);
            }
            trainer.step();
          }
        }
        double trainLoss = total / shuffled.length;
        if (!Double.isFinite(trainLoss)) {
          network.close();
          throw new DivergedException(epoch, trainLoss);
        }
        double validLoss = Double.NaN;
        if (held > 0) {
          try (NDManager v = data.newSubManager()) {
            NDArray validRows = v.create(valid);
            NDArray xValid = xAll.get(validRows);
            xValid.attach(v);
            NDArray yValid = yAll.get(validRows);
            yValid.attach(v);
            NDArray out =
                network
                    .model()
                    .getBlock()
                    .forward(new ParameterStore(v, false), new NDList(xValid), false)
                    .singletonOrThrow();
            validLoss = trainer.getLoss().evaluate(new NDList(yValid), new NDList(out)).getFloat();
          }
        }
        LOG.info(
            String.format(
                Locale.ROOT,
                "Epoch %d, average loss = %s, validation loss = %s",
                epoch,
                trainLoss * (classification ? 1 : scale * scale),
                validLoss * (classification ? 1 : scale * scale)));
        if (held > 0) {
          if (validLoss < best) {
            best = validLoss;
            sinceBest = 0;
            bestParameters = snapshot(network);
          } else if (++sinceBest >= patience) {
            break;
          }
        }
      }
      if (bestParameters != null) {
        restore(network, bestParameters);
      }
    }
    ModelProvenance provenance =
        new ModelProvenance(
            MlpModel.class.getName(),
            OffsetDateTime.now(),
            examples.getProvenance(),
            trainerProvenance,
            runProvenance);
    ImmutableOutputInfo<T> outputs = examples.getOutputIDInfo();
    return new MlpModel<>(
        "mlp",
        provenance,
        examples.getFeatureIDMap(),
        outputs,
        network,
        featureNames,
        classes,
        targetName);
  }

  private Optimizer optimizer() {
    Tracker rate = Tracker.fixed((float) learningRate);
    float decay = (float) weightDecay;
    return switch (optimizer) {
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(rate).optWeightDecays(decay).build();
      case "adagrad" ->
          Optimizer.adagrad().optLearningRateTracker(rate).optWeightDecays(decay).build();
      default -> Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(decay).build();
    };
  }

  private static float[] flatten(float[][] x) {
    int d = x.length == 0 ? 0 : x[0].length;
    float[] flat = new float[x.length * d];
    for (int r = 0; r < x.length; r++) {
      System.arraycopy(x[r], 0, flat, r * d, d);
    }
    return flat;
  }

  private static int[] shuffled(int[] rows, Random random) {
    int[] copy = rows.clone();
    for (int k = copy.length - 1; k > 0; k--) {
      int j = random.nextInt(k + 1);
      int t = copy[k];
      copy[k] = copy[j];
      copy[j] = t;
    }
    return copy;
  }

  private static List<Pair<String, float[]>> snapshot(MlpNetwork network) {
    List<Pair<String, float[]>> copy = new ArrayList<>();
    for (Pair<String, Parameter> p : network.model().getBlock().getParameters()) {
      copy.add(new Pair<>(p.getKey(), p.getValue().getArray().toFloatArray()));
    }
    return copy;
  }

  private static void restore(MlpNetwork network, List<Pair<String, float[]>> saved) {
    int k = 0;
    for (Pair<String, Parameter> p : network.model().getBlock().getParameters()) {
      p.getValue().getArray().set(FloatBuffer.wrap(saved.get(k++).getValue()));
    }
  }

  @Override
  public int getInvocationCount() {
    return invocations;
  }

  @Override
  public void setInvocationCount(int count) {
    invocations = count;
  }

  @Override
  public TrainerProvenance getProvenance() {
    return new TrainerProvenanceImpl(this);
  }

  @Override
  public String toString() {
    return "MlpTrainer(hidden="
        + Arrays.toString(hidden)
        + ",activation="
        + activation
        + ",epochs="
        + epochs
        + ",seed="
        + seed
        + ")";
  }
}
