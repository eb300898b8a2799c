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
    description = {
      "Run the steps in order: train, evaluate, gate.",
      "With --image-target, also ship the image as containerize does (build, verify-image, deliver",
      "only a verified image; --no-verify opts out). The image is built only after a passing gate."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci run example-repos/breast-cancer",
      "  mlci run . --json > mlci-summary.json",
      "  mlci run . --image-target registry://ghcr.io/acme/churn:main"
    })
final class RunCommand extends StepCommand {
  @Mixin GateFlags gate;

  @Mixin RunImageFlags image;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException, InterruptedException {
    reportTrain(mlci.train(plan), summary);
    reportEvaluate(mlci.evaluate(plan), summary);
    int exit = reportGate(mlci.gate(plan, gateOptions(gate)), summary);
    if (image.target == null) {
      return exit;
    }
    if (exit != 0) {
      note(summary, "image: not built, the gate failed");
      return exit;
    }
    return ship(plan, image.shipOptions(), summary);
  }

  private void note(ObjectNode summary, String message) {
    summary.withArray("notes").add(message);
    if (!options.json) {
      out().println(message);
      out().flush();
    }
  }
}
