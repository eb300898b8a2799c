package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.RecordResult;
import dev.mlci.core.errors.MlciException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mlci baseline record}: store the evaluation of this commit as the baseline later gates
 * compare with.
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description = {"Manage baselines (git notes under refs/notes/mlci)."},
    subcommands = {BaselineCommand.Record.class})
final class BaselineCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: record");
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description = {
        "Store OUT/eval as the baseline of its commit (a git note under refs/notes/mlci).",
        "Run it in main builds after 'mlci run'."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  mlci baseline record --push           record and push to origin",
        "  MLCI_GIT_TOKEN=... mlci baseline record --push --remote upstream"
      })
  static final class Record extends StepCommand {
    @Option(
        names = "--push",
        description =
            "Push refs/notes/mlci to the remote. Credentials for HTTPS remotes come from MLCI_GIT_TOKEN,"
                + " GITHUB_TOKEN or GH_TOKEN. A push rejected because another build pushed first is merged and"
                + " retried.")
    boolean push;

    @Option(
        names = "--remote",
        paramLabel = "NAME",
        defaultValue = "origin",
        description = "The remote to push to. Default: ${DEFAULT-VALUE}.")
    String remote;

    @Override
    int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
      RecordResult r = mlci.recordBaseline(plan, push, remote, System.getenv());
      summary.set("baseline", CliJson.tree(r));
      if (!options.json) {
        out()
            .printf(
                "recorded the baseline of %s in %s (%d bytes)%s%n",
                r.commit().substring(0, 12),
                r.notesRef(),
                r.bytes(),
                r.pushedTo()
                    .map(
                        p ->
                            "; pushed to "
                                + p
                                + (r.pushAttempts() > 1
                                    ? " after " + r.pushAttempts() + " attempts"
                                    : ""))
                    .orElse("; not pushed (add --push)"));
        out().flush();
      }
      for (String w : r.warnings()) {
        err().println("warning: " + w);
      }
      err().flush();
      return 0;
    }
  }
}
