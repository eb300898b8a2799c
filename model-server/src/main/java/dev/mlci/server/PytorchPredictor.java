package dev.mlci.server;

import dev.mlci.format.FeatureSpec;
import dev.mlci.format.MlpNetwork;
import dev.mlci.format.MlpSpec;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.nio.file.Path;
import tools.jackson.databind.ObjectMapper;

/**
 * Serves an {@code mlp} model through DJL's PyTorch engine: the network {@code mlp.json} describes,
 * with the trained parameters. Rows are encoded with the model's {@code features.json} (one-hot
 * levels, standardisation), exactly as in training, and the network's outputs are class
 * probabilities or values, as mlci evaluated them.
 */
final class PytorchPredictor implements Predictor {
  private final MlpNetwork network;
  private final FeatureSpec spec;

  PytorchPredictor(Path dir, FeatureSpec spec) throws IOException {
    MlpSpec mlp =
        MlpSpec.fromJson(new ObjectMapper().readTree(dir.resolve(ModelFormat.MLP_SPEC).toFile()));
    if (mlp.inputs() != spec.featureNames().size()) {
      throw new IOException(
          ModelFormat.MLP_SPEC
              + " takes "
              + mlp.inputs()
              + " inputs, but features.json encodes "
              + spec.featureNames().size());
    }
    this.network = MlpNetwork.load(dir, mlp);
    this.spec = spec;
  }

  @Override
  public double[][] predict(Batch batch) throws BadRequest {
    float[][] rows = new float[batch.rows()][];
    for (int r = 0; r < batch.rows(); r++) {
      double[] encoded;
      try {
        encoded = spec.encode(batch.numeric()[r], batch.categorical()[r]);
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "row " + r + ": " + e.getMessage());
      }
      float[] x = new float[encoded.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) encoded[i];
      }
      rows[r] = x;
    }
    return network.predict(rows);
  }

  @Override
  public String backend() {
    return "pytorch";
  }

  @Override
  public void close() {
    network.close();
  }
}
