package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score the trained model (OUT/model) on the held-out set into OUT/eval.",
      "Writes metrics.json, predictions.csv (per example), report.md and, for",
      "classification, confusion_matrix.csv."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci evaluate example-repos/breast-cancer",
      "  mlci evaluate --json | jq .evaluate.metrics"
    })
final class EvaluateCommand extends StepCommand {
  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    reportEvaluate(mlci.evaluate(plan), summary);
    return 0;
  }
}
