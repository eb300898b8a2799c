package dev.mlci.core.train;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.sgd.protos.ClassificationLinearSGDProto;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.protos.RegressionLinearSGDProto;

/**
 * Wraps weights fitted by mlci's own solvers in Tribuo's linear models ({@code LinearSGDModel} of
 * classification and of regression), so that they are saved, served, explained and exported to ONNX
 * exactly like the models of Tribuo's SGD trainers. The models are built through Tribuo's public
 * protobuf deserialisation (their constructors are package-private): the path a model saved in
 * Tribuo's protobuf format takes when it is read back.
 */
final class LinearModels {
  private LinearModels() {}

  /**
   * A softmax classifier.
   *
   * @param weights [classes, features + 1], rows in output-id order, the bias in the last column
   */
  static org.tribuo.classification.sgd.linear.LinearSGDModel classifier(
      String name,
      ModelProvenance provenance,
      ImmutableFeatureMap features,
      ImmutableOutputInfo<Label> outputs,
      double[][] weights) {
    ClassificationLinearSGDProto proto =
        ClassificationLinearSGDProto.newBuilder()
            .setMetadata(
                new ModelDataCarrier<>(name, provenance, features, outputs, true, Tribuo.VERSION)
                    .serialize())
            .setParams(parameters(weights).serialize())
            .setNormalizer(new LogMulticlass().getNormalizer().serialize())
            .build();
    try {
      return org.tribuo.classification.sgd.linear.LinearSGDModel.deserializeFromProto(
          org.tribuo.classification.sgd.linear.LinearSGDModel.CURRENT_VERSION,
          org.tribuo.classification.sgd.linear.LinearSGDModel.class.getName(),
          Any.pack(proto));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Tribuo refused the linear classifier it describes", e);
    }
  }

  /**
   * A linear regressor.
   *
   * @param weights [dimensions, features + 1], the bias in the last column
   * @param dimensions the output dimension names, in output-id order
   */
  static org.tribuo.regression.sgd.linear.LinearSGDModel regressor(
      String name,
      ModelProvenance provenance,
      ImmutableFeatureMap features,
      ImmutableOutputInfo<Regressor> outputs,
      double[][] weights,
      String[] dimensions) {
    RegressionLinearSGDProto.Builder proto =
        RegressionLinearSGDProto.newBuilder()
            .setMetadata(
                new ModelDataCarrier<>(name, provenance, features, outputs, false, Tribuo.VERSION)
                    .serialize())
            .setParams(parameters(weights).serialize());
    for (String d : dimensions) {
      proto.addDimensionNames(d);
    }
    try {
      return org.tribuo.regression.sgd.linear.LinearSGDModel.deserializeFromProto(
          org.tribuo.regression.sgd.linear.LinearSGDModel.CURRENT_VERSION,
          org.tribuo.regression.sgd.linear.LinearSGDModel.class.getName(),
          Any.pack(proto.build()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Tribuo refused the linear regressor it describes", e);
    }
  }

  private static LinearParameters parameters(double[][] weights) {
    return new LinearParameters(DenseMatrix.createDenseMatrix(weights));
  }
}
