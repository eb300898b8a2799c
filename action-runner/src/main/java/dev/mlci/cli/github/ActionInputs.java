package dev.mlci.cli.github;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inputs of the GitHub Action, as action.yml passes them ({@code INPUT_COMMAND}, ...). GitHub
 * does not enforce {@code required:} nor check values, so mlci does, naming the input and the
 * values it accepts.
 *
 * @param command what to run
 * @param workingDirectory the ML repository, relative to the workspace
 * @param config the config file, when not {@code working-directory/ml.yaml}
 * @param out the output directory, when not the default
 * @param targetBranch the gate's target branch, when not the pull request's base
 * @param githubToken the token for pull-request comments (empty: no comment)
 * @param comment whether to write the sticky pull-request comment
 * @param failOnInconclusive whether INCONCLUSIVE fails the build
 * @param image the image target ({@code registry://...}, {@code tar://...})
 * @param baseImage the base image, when not the default
 * @param push whether {@code baseline-record} pushes the note
 * @param prNumber for {@code comment}: the pull request to comment on
 * @param report for {@code comment}: the report to post
 * @param baseline for {@code gate} and {@code run}: the baseline, when not the target's git note
 *     (e.g. {@code models:/NAME@champion})
 * @param verify for {@code containerize} and {@code run}: check the image's serving contract before
 *     it is pushed (default true; false delivers it unverified, said in the log)
 * @param allowInsecureRegistries whether a plain-HTTP registry is allowed
 * @param kfp for {@code run} with {@code run-on: kfp}: train and evaluate on a Kubeflow Pipelines
 *     cluster, the gate on the runner
 */
public record ActionInputs(
    String command,
    String workingDirectory,
    Optional<String> config,
    Optional<String> out,
    Optional<String> targetBranch,
    String githubToken,
    boolean comment,
    boolean failOnInconclusive,
    Optional<String> image,
    Optional<String> baseImage,
    boolean push,
    Optional<Long> prNumber,
    Optional<String> report,
    Optional<String> baseline,
    boolean verify,
    boolean allowInsecureRegistries,
    Optional<Kfp> kfp) {

  /**
   * {@code run-on: kfp}: where the KFP API server is, the runner image pinned by digest, how long
   * to wait. The token is not here: action.yml passes {@code kfp-token} as {@code KFP_TOKEN}.
   *
   * @param endpoint the KFP API server's URL
   * @param runnerImage the runner image pinned by digest
   * @param timeout how long to wait for the run, when not the CLI's default
   */
  public record Kfp(String endpoint, String runnerImage, Optional<String> timeout) {}

  /** The commands the action runs. */
  public static final List<String> COMMANDS =
      List.of(
          "train",
          "evaluate",
          "gate",
          "run",
          "containerize",
          "baseline-record",
          "register",
          "comment");

  private static final Set<String> TRUE = Set.of("true", "yes", "1", "on");
  private static final Set<String> FALSE = Set.of("false", "no", "0", "off", "");

  /** Reads and checks the inputs in {@code env}. */
  public static ActionInputs from(Map<String, String> env) throws BadInputException {
    List<Problem> problems = new ArrayList<>();
    String command = text(env, "COMMAND").orElse("");
    if (!COMMANDS.contains(command)) {
      problems.add(
          problem(
              "command",
              command.isEmpty()
                  ? "is required."
                  : "'" + command + "' is not a command mlci's action runs.",
              "set 'command:' to one of " + String.join(", ", COMMANDS) + "."));
    }
    boolean comment = flag(env, "COMMENT", true, problems);
    boolean failOnInconclusive = flag(env, "FAIL_ON_INCONCLUSIVE", false, problems);
    boolean push = flag(env, "PUSH", true, problems);
    boolean verify = flag(env, "VERIFY", true, problems);
    boolean insecure = flag(env, "ALLOW_INSECURE_REGISTRIES", false, problems);
    Optional<String> image = text(env, "IMAGE");
    if (command.equals("containerize") && image.isEmpty()) {
      problems.add(
          problem(
              "image",
              "is required for command 'containerize'.",
              "set 'image:' to registry://REF (e.g. registry://ghcr.io/OWNER/MODEL:TAG) or tar://PATH."));
    }
    Optional<Kfp> kfp = Optional.empty();
    String runOn = text(env, "RUN_ON").orElse("runner");
    if (runOn.equals("kfp")) {
      Optional<String> endpoint = text(env, "KFP_ENDPOINT");
      Optional<String> runner = text(env, "RUNNER_IMAGE");
      if (!command.equals("run")) {
        problems.add(
            problem(
                "run-on",
                "kfp works with command 'run' only, not '" + command + "'.",
                "set 'command: run', or drop 'run-on'."));
      } else if (endpoint.isEmpty() || runner.isEmpty()) {
        problems.add(
            problem(
                endpoint.isEmpty() ? "kfp-endpoint" : "runner-image",
                "is required with 'run-on: kfp'.",
                "set 'kfp-endpoint:' to the KFP API server's URL and 'runner-image:' to the runner"
                    + " image pinned by digest (REF@sha256:DIGEST)."));
      } else if (image.isPresent()) {
        problems.add(
            problem(
                "image",
                "cannot be built on the runner with 'run-on: kfp': the model stays in the cluster.",
                "drop 'image:', or run without 'run-on: kfp'."));
      } else {
        kfp = Optional.of(new Kfp(endpoint.get(), runner.get(), text(env, "KFP_TIMEOUT")));
      }
    } else if (!runOn.equals("runner")) {
      problems.add(
          problem(
              "run-on",
              "'" + runOn + "' is not where mlci runs the steps.",
              "write runner (the default) or kfp."));
    }
    Optional<Long> pr = Optional.empty();
    Optional<String> prText = text(env, "PR_NUMBER");
    if (prText.isPresent()) {
      try {
        pr = Optional.of(Long.parseLong(prText.get()));
        if (pr.get() < 1) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add(
            problem(
                "pr-number",
                "'" + prText.get() + "' is not a pull request number.",
                "pass the number alone, e.g. 42."));
      }
    }
    String dir = text(env, "WORKING_DIRECTORY").orElse(".");
    if (dir.contains("..")) {
      problems.add(
          problem(
              "working-directory",
              "'" + dir + "' leaves the workspace.",
              "use a path inside the repository, e.g. models/churn."));
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(problems);
    }
    return new ActionInputs(
        command,
        dir,
        text(env, "CONFIG"),
        text(env, "OUT"),
        text(env, "TARGET_BRANCH"),
        text(env, "GITHUB_TOKEN").orElse(""),
        comment,
        failOnInconclusive,
        image,
        text(env, "BASE_IMAGE"),
        push,
        pr,
        text(env, "REPORT"),
        text(env, "BASELINE"),
        verify,
        insecure,
        kfp);
  }

  /** The mlci command line for {@link #command} (not for {@code comment}). */
  public List<String> cliArgs() {
    List<String> args = new ArrayList<>();
    switch (command) {
      case "baseline-record" -> args.addAll(List.of("baseline", "record"));
      default -> args.add(command);
    }
    args.add(workingDirectory);
    config.ifPresent(c -> args.addAll(List.of("--config", c)));
    out.ifPresent(o -> args.addAll(List.of("--out", o)));
    args.addAll(List.of("--progress", "plain"));
    if (command.equals("gate") || command.equals("run")) {
      targetBranch.ifPresent(t -> args.addAll(List.of("--target", t)));
      baseline.ifPresent(b -> args.addAll(List.of("--baseline", b)));
      if (failOnInconclusive) {
        args.add("--fail-on-inconclusive");
      }
    }
    if (command.equals("containerize")) {
      args.addAll(List.of("--target", image.orElseThrow()));
      baseImage.ifPresent(b -> args.addAll(List.of("--base", b)));
      if (!verify) {
        args.add("--no-verify");
      }
      if (allowInsecureRegistries) {
        args.add("--allow-insecure-registries");
      }
    }
    if (command.equals("run") && image.isPresent()) {
      args.addAll(List.of("--image-target", image.get()));
      baseImage.ifPresent(b -> args.addAll(List.of("--image-base", b)));
      if (!verify) {
        args.add("--no-verify");
      }
      if (allowInsecureRegistries) {
        args.add("--allow-insecure-registries");
      }
    }
    kfp.ifPresent(
        k -> {
          args.addAll(
              List.of(
                  "--on",
                  "kfp",
                  "--kfp-endpoint",
                  k.endpoint(),
                  "--runner-image",
                  k.runnerImage()));
          k.timeout().ifPresent(t -> args.addAll(List.of("--kfp-timeout", t)));
        });
    if (command.equals("baseline-record") && push) {
      args.add("--push");
    }
    return args;
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    String v = env.get("INPUT_" + name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static boolean flag(
      Map<String, String> env, String name, boolean fallback, List<Problem> problems) {
    String v = env.get("INPUT_" + name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    String t = v.trim().toLowerCase(Locale.ROOT);
    if (TRUE.contains(t)) {
      return true;
    }
    if (FALSE.contains(t)) {
      return false;
    }
    problems.add(
        problem(
            name.toLowerCase(Locale.ROOT).replace('_', '-'),
            "'" + v + "' is not a boolean.",
            "write true or false."));
    return fallback;
  }

  private static Problem problem(String input, String message, String fix) {
    return Problem.in("action input '" + input + "'", "", message, fix);
  }
}
