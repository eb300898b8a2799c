package dev.mlci.cli.github;

import dev.mlci.cli.Main;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The GitHub Action's adapter ({@code mlci github-action}, run by action.yml): reads the action's
 * inputs from {@code INPUT_*}, runs the mlci command they name, and reports the way GitHub shows
 * it: step outputs, the job summary, annotations on the ml.yaml lines of failing gate rules, and
 * one sticky pull-request comment.
 */
@Command(
    name = "github-action",
    mixinStandardHelpOptions = true,
    description = {
      "Run as the mlci GitHub Action (action.yml calls this; inputs come from INPUT_* variables).",
      "Inputs: COMMAND (" + "train|evaluate|gate|run|containerize|baseline-record|comment),",
      "WORKING_DIRECTORY, CONFIG, OUT, TARGET_BRANCH, GITHUB_TOKEN, COMMENT, FAIL_ON_INCONCLUSIVE,",
      "IMAGE, BASE_IMAGE, VERIFY, ALLOW_INSECURE_REGISTRIES, PUSH, PR_NUMBER, REPORT, RUN_ON,",
      "KFP_ENDPOINT, RUNNER_IMAGE, KFP_TIMEOUT (the token as KFP_TOKEN).",
      "Outputs: verdict, metrics, report-path, image, image-verified."
    })
public final class GitHubActionCommand implements Callable<Integer> {
  /**
   * Built on first use, not when picocli instantiates every subcommand: {@code mlci --version} and
   * the other commands need not pay for Jackson's start-up (bench/startup).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws MlciException, InterruptedException {
    return execute(System.getenv(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Runs the action with the environment {@code env}. */
  public static int execute(Map<String, String> env, PrintWriter out, PrintWriter err)
      throws MlciException, InterruptedException {
    WorkflowCommands gh =
        new WorkflowCommands(
            out,
            path(env, "GITHUB_OUTPUT"),
            path(env, "GITHUB_STEP_SUMMARY"),
            "true".equals(env.get("GITHUB_ACTIONS")));
    gh.mask(env.get("INPUT_GITHUB_TOKEN"));
    gh.mask(env.get("MLCI_REGISTRY_PASSWORD"));
    gh.mask(env.get("MLCI_BASE_REGISTRY_PASSWORD"));
    gh.mask(env.get("KFP_TOKEN"));
    ActionInputs inputs;
    try {
      inputs = ActionInputs.from(env);
    } catch (BadInputException e) {
      annotate(gh, e);
      throw e;
    }
    return new Run(inputs, env, gh, out, err).execute();
  }

  private static Optional<Path> path(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(Path.of(v));
  }

  static void annotate(WorkflowCommands gh, MlciException e) {
    if (e.problems().isEmpty()) {
      gh.annotate("error", Optional.empty(), "mlci", e.message(ActionSuggestions.INSTANCE));
      return;
    }
    for (Problem p : e.problems()) {
      Optional<WorkflowCommands.Location> at =
          p.source().isEmpty()
                  || p.source().startsWith("action input")
                  || p.source().startsWith("--")
              ? Optional.empty()
              : Optional.of(new WorkflowCommands.Location(p.source(), p.line(), p.column()));
      gh.annotate("error", at, "mlci", p.render(ActionSuggestions.INSTANCE));
    }
  }

  /** One execution of the action. */
  private static final class Run {
    private final ActionInputs inputs;
    private final Map<String, String> env;
    private final WorkflowCommands gh;
    private final PrintWriter out;
    private final PrintWriter err;

    Run(
        ActionInputs inputs,
        Map<String, String> env,
        WorkflowCommands gh,
        PrintWriter out,
        PrintWriter err) {
      this.inputs = inputs;
      this.env = env;
      this.gh = gh;
      this.out = out;
      this.err = err;
    }

    int execute() throws MlciException, InterruptedException {
      Workspace ws =
          Workspace.of(
              Path.of(inputs.workingDirectory()),
              inputs.config().map(Path::of),
              inputs.out().map(Path::of));
      if (inputs.command().equals("comment")) {
        Path report =
            inputs.report().map(Path::of).orElse(ws.out().resolve("gate").resolve("gate.md"));
        comment(ws, report);
        return 0;
      }
      int exit =
          Main.run(
              inputs.cliArgs().toArray(String[]::new),
              out,
              err,
              ActionSuggestions.INSTANCE,
              e -> annotate(gh, e));
      if (exit == 0 || exit == 1) {
        try {
          publish(ws);
        } catch (IOException e) {
          gh.annotate(
              "warning", Optional.empty(), "mlci", "could not write the step outputs: " + e);
        }
      }
      try {
        gh.output("exit-code", Integer.toString(exit));
      } catch (IOException e) {
        gh.annotate("warning", Optional.empty(), "mlci", "could not write the step outputs: " + e);
      }
      return exit;
    }

    /** Outputs, job summary, annotations and the pull-request comment from the files written. */
    private void publish(Workspace ws) throws IOException, InterruptedException {
      String command = inputs.command();
      Path metrics = ws.evalDir().resolve("metrics.json");
      if (Files.isRegularFile(metrics) && !command.equals("train")) {
        gh.output("metrics", read(metrics).path("metrics").toString());
      }
      boolean gated = command.equals("gate") || command.equals("run");
      Path gateJson = ws.out().resolve(Workspace.GATE_DIR).resolve("gate.json");
      Path gateMd = ws.out().resolve(Workspace.GATE_DIR).resolve("gate.md");
      if (gated && Files.isRegularFile(gateJson)) {
        JsonNode gate = read(gateJson);
        gh.output("verdict", gate.path("verdict").asString(""));
        gh.output("report-path", gateMd.toAbsolutePath().toString());
        annotateRules(ws, gate);
        if (Files.isRegularFile(gateMd)) {
          gh.summary(Files.readString(gateMd, StandardCharsets.UTF_8));
        }
      } else if (command.equals("evaluate") && Files.isRegularFile(metrics)) {
        gh.summary(metricsTable(read(metrics)));
      }
      if (command.equals("containerize") || command.equals("run")) {
        publishImage(ws);
      }
      if (gated && Files.isRegularFile(gateMd)) {
        comment(ws, gateMd);
      }
    }

    /**
     * The image output, only for a delivered image (a broken one is never pushed, and mlci removes
     * OUT/image then); whether it was verified; an error for an image that broke its contract.
     */
    private void publishImage(Workspace ws) throws IOException {
      Path reference = ws.imageDir().resolve("image-reference");
      Path description = ws.imageDir().resolve("image.json");
      Path verify = ws.verifyDir().resolve("verify.json");
      if (Files.isRegularFile(reference)) {
        String image = Files.readString(reference, StandardCharsets.UTF_8).strip();
        JsonNode described =
            Files.isRegularFile(description) ? read(description) : Json.MAPPER.createObjectNode();
        boolean verified = described.path("verified").asBoolean(false);
        String verification = described.path("verification").asString("not verified");
        gh.output("image", image);
        gh.output("image-verified", Boolean.toString(verified));
        gh.summary(
            "**Image:** `"
                + image
                + "` ("
                + (verified ? "verified before it was pushed" : "NOT verified: " + verification)
                + ")\n");
        if (!verified) {
          gh.annotate(
              "warning",
              Optional.empty(),
              "mlci image not verified",
              "the image "
                  + image
                  + " was delivered without its serving-contract check: "
                  + verification);
        }
      } else if (Files.isRegularFile(verify) && !read(verify).path("passed").asBoolean(true)) {
        gh.output("image-verified", "false");
        gh.annotate(
            "error",
            Optional.empty(),
            "mlci verify-image FAIL",
            "the image breaks its serving contract and was not pushed to "
                + inputs.image().orElse("the target")
                + "; see "
                + Workspace.display(verify));
        gh.summary(
            "**Image:** not pushed: it breaks its serving contract (verify-image FAIL, see `"
                + Workspace.display(verify)
                + "`)\n");
      }
    }

    /** An error or warning on the ml.yaml line of each failing or inconclusive rule. */
    private void annotateRules(Workspace ws, JsonNode gate) {
      String config = relativeToWorkspace(ws.config());
      for (JsonNode rule : gate.path("rules")) {
        String verdict = rule.path("verdict").asString("");
        if (!verdict.equals("FAIL") && !verdict.equals("INCONCLUSIVE")) {
          continue;
        }
        StringBuilder message = new StringBuilder(rule.path("rule").asString(""));
        JsonNode change = rule.path("change");
        if (rule.has("summary")) {
          // The engine's line: the same number format and sign convention as every gate report.
          message.append(": ").append(rule.path("summary").asString(""));
        } else if (change.has("estimate")) {
          message.append(
              String.format(
                  Locale.ROOT,
                  ": change %+.4f [%+.4f, %+.4f]",
                  change.path("estimate").asDouble(),
                  change.path("lo").asDouble(),
                  change.path("hi").asDouble()));
        }
        for (JsonNode reason : rule.path("reasons")) {
          message.append("; ").append(reason.asString(""));
        }
        int line = rule.path("line").asInt(0);
        gh.annotate(
            verdict.equals("FAIL") ? "error" : "warning",
            Optional.of(new WorkflowCommands.Location(config, line, 0)),
            "mlci gate: " + rule.path("metric").asString("") + " " + verdict,
            message.toString());
      }
      // The data gate's rules: each on the ml.yaml line of its key (gate.data_rules.*,
      // data.schema.*), else of its section.
      for (JsonNode rule : gate.path("data").path("rules")) {
        String verdict = rule.path("verdict").asString("");
        if (!verdict.equals("FAIL") && !verdict.equals("INCONCLUSIVE")) {
          continue;
        }
        StringBuilder message = new StringBuilder(rule.path("rule").asString(""));
        String sep = ": ";
        for (JsonNode reason : rule.path("reasons")) {
          message.append(sep).append(reason.asString(""));
          sep = "; ";
        }
        gh.annotate(
            verdict.equals("FAIL") ? "error" : "warning",
            Optional.of(new WorkflowCommands.Location(config, rule.path("line").asInt(0), 0)),
            "mlci data gate: " + rule.path("rule").asString("") + " " + verdict,
            message.toString());
      }
    }

    private String relativeToWorkspace(Path file) {
      String root = env.getOrDefault("GITHUB_WORKSPACE", "");
      Path base = root.isEmpty() ? Path.of("").toAbsolutePath() : Path.of(root).toAbsolutePath();
      Path abs = file.toAbsolutePath().normalize();
      return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }

    /** The sticky comment, on pull-request events (or for {@code pr-number}). */
    private void comment(Workspace ws, Path report) throws InterruptedException {
      if (!inputs.comment() && !inputs.command().equals("comment")) {
        return;
      }
      Optional<Long> number = inputs.prNumber().or(this::pullRequestOfEvent);
      if (number.isEmpty()) {
        if (inputs.command().equals("comment")) {
          gh.annotate(
              "warning",
              Optional.empty(),
              "mlci",
              "no pull request to comment on: this is not a pull_request event; set pr-number");
        }
        return;
      }
      if (inputs.githubToken().isEmpty()) {
        gh.annotate(
            "notice",
            Optional.empty(),
            "mlci",
            "no github-token: the report is in the job summary, not in a pull-request comment");
        return;
      }
      String repository = env.getOrDefault("GITHUB_REPOSITORY", "");
      if (!repository.contains("/")) {
        gh.annotate(
            "warning", Optional.empty(), "mlci", "GITHUB_REPOSITORY is not set: no comment");
        return;
      }
      String markdown;
      try {
        markdown = Files.readString(report, StandardCharsets.UTF_8);
      } catch (IOException e) {
        gh.annotate(
            "warning",
            Optional.empty(),
            "mlci",
            "no report to comment with: cannot read " + report);
        return;
      }
      String name = modelName(ws).orElse(ws.repository().getFileName().toString());
      GitHubApi api =
          new GitHubApi(
              URI.create(env.getOrDefault("GITHUB_API_URL", "https://api.github.com")),
              inputs.githubToken(),
              d -> Thread.sleep(d.toMillis()),
              Clock.systemUTC());
      try {
        StickyComment.Result r =
            StickyComment.post(
                api,
                repository,
                number.get(),
                name,
                markdown,
                "The full report is in this run's job summary and in mlci-out/gate/gate.md.");
        switch (r.outcome()) {
          case CREATED, UPDATED ->
              out.println(
                  "mlci: "
                      + r.outcome().name().toLowerCase(Locale.ROOT)
                      + " the pull-request comment "
                      + r.comment().map(GitHubApi.Comment::url).orElse("")
                      + (r.truncated() ? " (report cut to fit GitHub's limit)" : ""));
          case READ_ONLY ->
              gh.annotate(
                  "notice",
                  Optional.empty(),
                  "mlci",
                  "the token cannot write pull-request comments (pull requests from forks get a"
                      + " read-only token): the report is in the job summary. To comment on fork"
                      + " pull requests, use the workflow_run pattern in mlci's docs/github-actions.md.");
        }
      } catch (GitHubApi.GitHubException e) {
        gh.annotate(
            "warning",
            Optional.empty(),
            "mlci",
            "could not write the pull-request comment: " + e.getMessage());
      }
      out.flush();
    }

    private Optional<Long> pullRequestOfEvent() {
      String event = env.getOrDefault("GITHUB_EVENT_NAME", "");
      String path = env.getOrDefault("GITHUB_EVENT_PATH", "");
      if (!(event.equals("pull_request") || event.equals("pull_request_target"))
          || path.isEmpty()) {
        return Optional.empty();
      }
      try {
        long n = read(Path.of(path)).path("pull_request").path("number").asLong(0);
        return n > 0 ? Optional.of(n) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    private Optional<String> modelName(Workspace ws) {
      try {
        Path gate = ws.out().resolve(Workspace.GATE_DIR).resolve("gate.json");
        Path metrics = ws.evalDir().resolve("metrics.json");
        Path file = Files.isRegularFile(gate) ? gate : metrics;
        String name = read(file).path("name").asString("");
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    private static String metricsTable(JsonNode metrics) {
      StringBuilder sb = new StringBuilder();
      sb.append("### mlci evaluate: ").append(metrics.path("name").asString("")).append("\n\n");
      sb.append("| metric | value |\n|---|---|\n");
      metrics
          .path("metrics")
          .properties()
          .forEach(
              e ->
                  sb.append("| ")
                      .append(e.getKey())
                      .append(" | ")
                      .append(String.format(Locale.ROOT, "%.4f", e.getValue().asDouble()))
                      .append(" |\n"));
      return sb.toString();
    }
  }

  private static JsonNode read(Path file) throws IOException {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IOException("cannot read " + file + ": " + e.getOriginalMessage(), e);
    }
  }
}
