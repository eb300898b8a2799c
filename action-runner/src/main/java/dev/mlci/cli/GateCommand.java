package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    description = {
      "Compare the evaluated model with the baseline of the target branch.",
      "PASS, FAIL (exit 1) or INCONCLUSIVE per rule, from paired statistics on",
      "per-example predictions. Writes OUT/gate: gate.md, gate.json,",
      "gate-junit.xml, gate.html."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci gate                              baseline from git notes of main",
      "  mlci gate --target develop",
      "  mlci gate --baseline base/evaluation.mlci.gz",
      "  mlci gate --baseline rebuild           retrain the merge-base now"
    })
final class GateCommand extends StepCommand {
  @Mixin GateFlags gate;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    return reportGate(mlci.gate(plan, gateOptions(gate)), summary);
  }
}
