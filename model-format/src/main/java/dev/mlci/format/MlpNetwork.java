package dev.mlci.format;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An {@code mlp} model's network in DJL: the block {@link MlpSpec} describes, and predictions from
 * trained parameters. Training (mlci) and serving (the model server) build the block here, so the
 * two cannot disagree on the architecture.
 */
public final class MlpNetwork implements AutoCloseable {
  /** DJL's name of the engine mlp models run on. */
  public static final String ENGINE = "PyTorch";

  /** The prefix DJL names the parameter file by ({@code mlp-0000.params}). */
  static final String PARAMS_PREFIX = "mlp";

  private final MlpSpec spec;
  private final Model model;

  private MlpNetwork(MlpSpec spec, Model model) {
    this.spec = spec;
    this.model = model;
  }

  /** The block of {@code spec}: linear layers with the activation and dropout between them. */
  public static Block block(MlpSpec spec) {
    SequentialBlock net = new SequentialBlock();
    for (int units : spec.hidden()) {
      net.add(Linear.builder().setUnits(units).build());
      net.add(
          switch (spec.activation()) {
            case RELU -> Activation.reluBlock();
            case TANH -> Activation.tanhBlock();
            case SIGMOID -> Activation.sigmoidBlock();
          });
      if (spec.dropout() > 0) {
        net.add(Dropout.builder().optRate((float) spec.dropout()).build());
      }
    }
    net.add(Linear.builder().setUnits(spec.outputs()).build());
    return net;
  }

  /** A new, untrained network of {@code spec}, for training. */
  public static MlpNetwork create(MlpSpec spec) {
    Model model = Model.newInstance(PARAMS_PREFIX, ENGINE);
    model.setBlock(block(spec));
    return new MlpNetwork(spec, model);
  }

  /** The trained network whose parameters {@link #save} wrote into {@code dir}. */
  public static MlpNetwork load(Path dir, MlpSpec spec) throws IOException {
    Model model = Model.newInstance(PARAMS_PREFIX, ENGINE);
    Block block = block(spec);
    model.setBlock(block);
    try {
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, spec.inputs()));
      model.load(dir, PARAMS_PREFIX);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IOException(
          "cannot load "
              + ModelFormat.MLP_PARAMS
              + " for the network in "
              + ModelFormat.MLP_SPEC
              + ": "
              + e.getMessage(),
          e);
    }
    return new MlpNetwork(spec, model);
  }

  public MlpSpec spec() {
    return spec;
  }

  /** The DJL model, e.g. to train it. */
  public Model model() {
    return model;
  }

  /** Writes the parameters ({@value ModelFormat#MLP_PARAMS}) into {@code dir}. */
  public void save(Path dir) throws IOException {
    model.save(dir, PARAMS_PREFIX);
  }

  /**
   * Predicts rows of features ({@link MlpSpec#inputs()} values each, already encoded): class
   * probabilities (classification) or values (regression), one row per input row.
   */
  public double[][] predict(float[][] rows) {
    int n = rows.length;
    float[] flat = new float[n * spec.inputs()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, flat, i * spec.inputs(), spec.inputs());
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray x = manager.create(flat, new Shape(n, spec.inputs()));
      NDArray out =
          model
              .getBlock()
              .forward(new ParameterStore(manager, false), new NDList(x), false)
              .singletonOrThrow();
      if (spec.classification()) {
        out = out.softmax(1);
      }
      float[] values = out.toFloatArray();
      double[][] result = new double[n][spec.outputs()];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < spec.outputs(); j++) {
          double v = values[i * spec.outputs() + j];
          result[i][j] = spec.classification() ? v : v * spec.targetScale() + spec.targetMean();
        }
      }
      return result;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
