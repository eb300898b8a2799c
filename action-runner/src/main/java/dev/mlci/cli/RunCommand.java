package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {"Run every configured step in order: train, evaluate, gate."},
    footerHeading = "%nExamples:%n",
    footer = {"  mlci run example-repos/breast-cancer", "  mlci run . --json > mlci-summary.json"})
final class RunCommand extends StepCommand {
  @Mixin GateFlags gate;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    reportTrain(mlci.train(plan), summary);
    reportEvaluate(mlci.evaluate(plan), summary);
    return reportGate(mlci.gate(plan, gateOptions(gate)), summary);
  }
}
