package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.RegisterResult;
import dev.mlci.core.errors.MlciException;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = {
      "Register the evaluated model of OUT as a new version in MLflow's model registry and point an"
          + " alias at it (main builds, after 'mlci evaluate'). Needs MLFLOW_TRACKING_URI (or"
          + " tracking.uri) and the model's run on that server; 'mlci gate --baseline"
          + " models:/NAME@ALIAS' then compares pull requests with it."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  MLFLOW_TRACKING_URI=http://mlflow:5000 mlci run . && mlci register .",
      "  mlci register . --name churn --alias production"
    })
final class RegisterCommand extends StepCommand {
  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The registered model's name. Default: the name in ml.yaml.")
  String name;

  @Option(
      names = "--alias",
      paramLabel = "ALIAS",
      defaultValue = "champion",
      description = "The alias to move to the new version. Default: ${DEFAULT-VALUE}.")
  String alias;

  @Override
  int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
    RegisterResult r = mlci.register(plan, Optional.ofNullable(name), alias);
    summary.set("register", CliJson.tree(r));
    if (!options.json) {
      PrintWriter out = out();
      out.printf(
          "registered %s version %s; alias %s -> version %s%n",
          r.name(), r.version(), r.alias(), r.version());
      out.println("from run: " + r.runUrl());
      out.println("baseline: mlci gate --baseline models:/" + r.name() + "@" + r.alias());
      out.flush();
    }
    return 0;
  }
}
