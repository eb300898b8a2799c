package dev.mlci.cli;

import dev.mlci.core.api.KfpRunOptions;
import dev.mlci.core.api.KfpRunResult;
import dev.mlci.core.api.KfpRunStep;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.PipelineOptions;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.MlciException;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the steps in order: train, evaluate, gate.",
      "With --image-target, also ship the image as containerize does (build, verify-image, deliver",
      "only a verified image; --no-verify opts out). The image is built only after a passing gate.",
      "With --on kfp, train and evaluate run on a Kubeflow Pipelines cluster (the pipeline of",
      "'mlci pipeline kfp'); the evaluation comes back and the gate runs here, as without it."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci run example-repos/breast-cancer",
      "  mlci run . --json > mlci-summary.json",
      "  mlci run . --image-target registry://ghcr.io/acme/churn:main",
      "  mlci run . --on kfp --kfp-endpoint https://kfp.example.com/pipeline \\",
      "      --runner-image ghcr.io/acme/mlci-runner@sha256:..."
    })
final class RunCommand extends StepCommand {
  @Mixin GateFlags gate;

  @Mixin RunImageFlags image;

  @Mixin KfpFlags kfp;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException, InterruptedException {
    if (kfp.on == KfpFlags.On.kfp) {
      return onKfp(mlci, plan, summary);
    }
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

  /** Train and evaluate on a Kubeflow cluster; the gate here, on what came back. */
  private int onKfp(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    if (image.target != null) {
      throw usage(
          "--image-target builds the image here, from a model that stays in the cluster"
              + " with --on kfp; drop one of the two");
    }
    if (kfp.endpoint == null || kfp.image == null) {
      throw usage("--on kfp needs --kfp-endpoint URL and --runner-image REF@sha256:DIGEST");
    }
    java.net.URI endpoint;
    java.time.Duration timeout;
    java.time.Duration poll;
    try {
      endpoint = new java.net.URI(kfp.endpoint);
    } catch (java.net.URISyntaxException e) {
      throw usage("--kfp-endpoint '" + kfp.endpoint + "' is not a URL: " + e.getReason());
    }
    timeout = duration("--kfp-timeout", kfp.timeout);
    poll = duration("--kfp-poll", kfp.poll);
    KfpRunResult r =
        new KfpRunStep(
                stepContext(),
                plan,
                new KfpRunOptions(
                    endpoint,
                    new PipelineOptions(
                        PipelineOptions.Kind.KFP,
                        kfp.image,
                        Optional.ofNullable(kfp.repository),
                        Optional.ofNullable(kfp.commit),
                        Optional.ofNullable(gate.target),
                        Optional.empty()),
                    Optional.ofNullable(kfp.experiment),
                    timeout,
                    poll,
                    System.getenv()))
            .call();
    summarise(summary, "kfp", r);
    if (!options.json) {
      out()
          .printf(
              "kfp:    run %s of %s succeeded (%s); its gate said %s%n",
              r.runId(),
              r.pipeline(),
              String.join(
                  ", ",
                  r.tasks().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
              r.clusterVerdict());
      out()
          .printf(
              "kfp:    evaluation downloaded to %s; gating here against the baseline%n",
              Workspace.display(r.evalDir()));
      out().flush();
    }
    return reportGate(mlci.gate(plan, gateOptions(gate)), summary);
  }

  private picocli.CommandLine.ParameterException usage(String message) {
    return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
  }

  private java.time.Duration duration(String flag, String text) {
    if (!text.matches("[1-9][0-9]{0,6}[smh]")) {
      throw usage(flag + " '" + text + "' is not a duration such as 90s, 30m or 6h");
    }
    return dev.mlci.core.api.KfpRunOptions.duration(text);
  }

  private void note(ObjectNode summary, String message) {
    summary.withArray("notes").add(message);
    if (!options.json) {
      out().println(message);
      out().flush();
    }
  }
}
