package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.VerifyImageOptions;
import dev.mlci.core.api.VerifyImageStep;
import dev.mlci.core.errors.MlciException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "verify-image",
    mixinStandardHelpOptions = true,
    description = {
      "Check the serving contract of the image 'mlci containerize' built.",
      "It runs the image with podman or docker, waits until ready, compares V2 and /invocations",
      "predictions on the test rows with the evaluated ones (max difference 1e-6), checks that bad",
      "requests get a 4xx with a message, and stops it with SIGTERM. Exit 1 when the image breaks",
      "its contract.",
      "Engine: MLCI_CONTAINER_RUNTIME, else podman, else docker; extra run arguments:",
      "MLCI_CONTAINER_RUN_ARGS (e.g. \"--runtime runc\"). The container uses host networking."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci verify-image .",
      "  MLCI_CONTAINER_RUN_ARGS='--runtime runc' mlci verify-image example-repos/iris"
    })
final class VerifyImageCommand extends StepCommand {
  @Option(
      names = "--start-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long the server may take to become ready. Default: ${DEFAULT-VALUE}.")
  int startTimeout;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException, InterruptedException {
    VerifyImageOptions verify =
        new VerifyImageOptions(Duration.ofSeconds(Math.max(1, startTimeout)));
    return reportVerify(new VerifyImageStep(stepContext()).call(plan, verify), summary);
  }
}
