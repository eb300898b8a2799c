package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the model ml.yaml describes into OUT/model.",
      "Writes model.tribuo, model.onnx (linear models), features.json, MLmodel,",
      "input_example.json, provenance.json, checksums.sha256."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci train example-repos/breast-cancer",
      "  mlci train . --config ml-xgboost.yaml --out build/xgb"
    })
final class TrainCommand extends StepCommand {
  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    reportTrain(mlci.train(plan), summary);
    return 0;
  }
}
