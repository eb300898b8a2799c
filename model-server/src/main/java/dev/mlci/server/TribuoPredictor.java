package dev.mlci.server;

import dev.mlci.format.FeatureSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Serves {@code model.tribuo} natively with Tribuo: trees, forests, XGBoost and models with
 * categorical inputs, which ONNX does not cover. Rows are encoded with the model's {@code
 * features.json}, exactly as in training.
 */
final class TribuoPredictor implements Predictor {
  private final Model<?> model;
  private final FeatureSpec spec;
  private final String[] names;

  TribuoPredictor(Path dir, FeatureSpec spec) throws IOException {
    this.model = Model.deserializeFromFile(dir.resolve(dev.mlci.format.ModelFormat.TRIBUO_MODEL));
    this.spec = spec;
    this.names = spec.featureNames().toArray(String[]::new);
  }

  @Override
  @SuppressWarnings("unchecked")
  public double[][] predict(Batch batch) throws BadRequest {
    double[][] out = new double[batch.rows()][];
    if (spec.target().isClassification()) {
      List<Example<Label>> examples = new ArrayList<>(batch.rows());
      for (int r = 0; r < batch.rows(); r++) {
        examples.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, encode(batch, r)));
      }
      List<Prediction<Label>> predictions = ((Model<Label>) model).predict(examples);
      List<String> classes = spec.target().classes();
      for (int r = 0; r < batch.rows(); r++) {
        Map<String, Label> scores = predictions.get(r).getOutputScores();
        out[r] = new double[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
          Label l = scores.get(classes.get(c));
          out[r][c] = l == null ? 0.0 : l.getScore();
        }
      }
    } else {
      List<Example<Regressor>> examples = new ArrayList<>(batch.rows());
      for (int r = 0; r < batch.rows(); r++) {
        examples.add(
            new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, names, encode(batch, r)));
      }
      List<Prediction<Regressor>> predictions = ((Model<Regressor>) model).predict(examples);
      for (int r = 0; r < batch.rows(); r++) {
        out[r] = new double[] {predictions.get(r).getOutput().getValues()[0]};
      }
    }
    return out;
  }

  private double[] encode(Batch batch, int r) throws BadRequest {
    try {
      return spec.encode(batch.numeric()[r], batch.categorical()[r]);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "row " + r + ": " + e.getMessage());
    }
  }

  @Override
  public String backend() {
    return "tribuo";
  }

  @Override
  public void close() {}
}
