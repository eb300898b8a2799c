package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.cli.github.ActionSuggestions;
import dev.mlci.cli.github.GitHubActionCommand;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.errors.Suggestions.Option;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same bad input, met through each face, says what to do in that face's terms: the CLI names
 * its command and flag, Jenkins (the CLI jar run with {@code MLCI_FACE=jenkins}, as {@code
 * MlciCli.groovy} does) the library's step and parameter, the GitHub Action its {@code command:}
 * and input. The pipeline library's own test (StepsTest) checks the Jenkins wording through a real
 * pipeline run.
 */
class FaceSuggestionsTest {
  @TempDir Path tmp;
  SampleRepo repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = new SampleRepo(tmp.resolve("repo"));
  }

  /** {@code mlci evaluate} before any training, with the suggestions of {@code env}'s face. */
  private CliRun evaluateUntrained(Map<String, String> env, String... extra) {
    String[] words = new String[extra.length + 1];
    words[0] = "evaluate";
    System.arraycopy(extra, 0, words, 1, extra.length);
    return runAs(env, words);
  }

  /** {@code mlci WORDS REPO} with the suggestions of {@code env}'s face. */
  private CliRun runAs(Map<String, String> env, String... words) {
    String[] args = new String[words.length + 2];
    System.arraycopy(words, 0, args, 0, words.length);
    args[words.length] = repo.dir.toString();
    args[words.length + 1] = "--progress=none";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Face.of(env).suggestions(),
            e -> {});
    return new CliRun(exit, out.toString(), err.toString());
  }

  @Test
  void cli_namesTheCommand() {
    CliRun r = repo.run("evaluate");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("there is no trained model here. Fix: run 'mlci train' first (or 'mlci run').");
  }

  @Test
  void cli_missingConfig_namesTheFlag() throws Exception {
    Files.delete(repo.dir.resolve("ml.yaml"));

    CliRun r = repo.run("train");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("or pass --config FILE.");
  }

  @Test
  void jenkinsMarker_namesTheStep_inTheTextAndInTheJson() {
    CliRun r = evaluateUntrained(Map.of(Face.VARIABLE, "jenkins"), "--json");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "there is no trained model here. Fix: run mlTrain() first (or the mlTrain(),"
                + " mlEvaluate(), mlGate() stages).")
        .doesNotContain("'mlci train'");
    // MlciCli.groovy ends the build with the JSON error's message.
    assertThat(r.out())
        .contains("mlci-out/model: there is no trained model here. Fix: run mlTrain() first")
        .contains("\"fix\" : \"run mlTrain() first")
        .contains("\"source\" : \"" + repo.out().resolve("model") + "\"");
  }

  @Test
  void jenkinsMarker_missingConfig_namesTheParameter() throws Exception {
    Files.delete(repo.dir.resolve("ml.yaml"));

    CliRun r = evaluateUntrained(Map.of(Face.VARIABLE, "jenkins"));

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("or pass config: 'FILE'.").doesNotContain("--config");
  }

  @Test
  void gateBeforeEvaluate_namesTheStepsOfEachFace() {
    assertThat(runAs(Map.of(), "gate").err())
        .contains(
            "there is no evaluation to gate: the file does not exist. Fix: run 'mlci"
                + " evaluate' first (or 'mlci run').");

    CliRun jenkins = runAs(Map.of(Face.VARIABLE, "jenkins"), "gate");

    assertThat(jenkins.exit()).as(jenkins.err()).isEqualTo(2);
    assertThat(jenkins.err())
        .contains(
            "there is no evaluation to gate: the file does not exist. Fix: run mlEvaluate() first"
                + " (or the mlTrain(), mlEvaluate(), mlGate() stages).")
        .doesNotContain("'mlci");
  }

  @Test
  void jenkinsMarker_recordWithoutEvaluation_namesTheStep() {
    CliRun r = runAs(Map.of(Face.VARIABLE, "jenkins"), "baseline", "record");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "there is no evaluation to record: the file does not exist. Fix: run"
                + " mlEvaluate() first.")
        .doesNotContain("'mlci");
  }

  @Test
  void noOrUnknownMarker_isTheCli() {
    assertThat(Face.of(Map.of())).isEqualTo(Face.CLI);
    assertThat(Face.of(Map.of(Face.VARIABLE, "JENKINS"))).isEqualTo(Face.JENKINS);
    assertThat(Face.of(Map.of(Face.VARIABLE, "gitlab"))).isEqualTo(Face.CLI);
    assertThat(Face.unknown(Map.of(Face.VARIABLE, "gitlab")))
        .hasValueSatisfying(w -> assertThat(w).contains("'gitlab'").contains("jenkins"));
    assertThat(Face.unknown(Map.of(Face.VARIABLE, "github-action"))).isEmpty();
  }

  private Map<String, String> action(String command) {
    Map<String, String> env = new HashMap<>();
    env.put("INPUT_COMMAND", command);
    env.put("INPUT_WORKING_DIRECTORY", repo.dir.toString());
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_OUTPUT", tmp.resolve("output").toString());
    env.put("GITHUB_STEP_SUMMARY", tmp.resolve("summary").toString());
    return env;
  }

  private CliRun runAction(Map<String, String> env) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        GitHubActionCommand.execute(env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(exit, out.toString(), err.toString());
  }

  @Test
  void action_namesTheCommandInput_inTheLogAndTheAnnotation() throws Exception {
    CliRun r = runAction(action("evaluate"));

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    String fix =
        "Fix: run the action with 'command: train' first (or the action with 'command: run').";
    assertThat(r.err()).contains("there is no trained model here. " + fix);
    assertThat(r.out()).contains("::error").contains(fix);
    assertThat(r.out() + r.err()).doesNotContain("'mlci train'");
  }

  @Test
  void action_missingConfig_namesTheInput() throws Exception {
    Files.delete(repo.dir.resolve("ml.yaml"));

    CliRun r = runAction(action("train"));

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("or pass 'config: FILE' under the action's with:.");
    assertThat(r.err()).doesNotContain("--config");
  }

  /** {@code mlci ARGS} with the suggestions of {@code env}'s face. */
  private static CliRun main(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Face.of(env).suggestions(),
            e -> {});
    return new CliRun(exit, out.toString(), err.toString());
  }

  @Test
  void containerize_badTarget_eachFaceNamesItsOwnOption() throws Exception {
    String[] args = {
      "containerize", repo.dir.toString(), "--progress=none", "--target", "bogus://x"
    };

    CliRun cli = main(Map.of(), args);
    CliRun jenkins = main(Map.of(Face.VARIABLE, "jenkins"), args);
    Map<String, String> env = action("containerize");
    env.put("INPUT_IMAGE", "bogus://x");
    CliRun action = runAction(env);

    assertThat(cli.exit()).as(cli.err()).isEqualTo(2);
    assertThat(cli.err()).contains("has an unknown scheme").contains("Fix: fix --target.");
    assertThat(jenkins.exit()).as(jenkins.err()).isEqualTo(2);
    assertThat(jenkins.err())
        .contains("Fix: fix the target: parameter of mlContainerize().")
        .doesNotContain("fix --target");
    assertThat(action.exit()).as(action.err()).isEqualTo(2);
    assertThat(action.err())
        .contains("Fix: fix the action's 'image' input.")
        .doesNotContain("fix --target");
  }

  @Test
  void theVerifyOptOut_isWordedByEachFace() {
    Fix fix = Fix.of("pass {} to deliver the image unverified", Option.NO_VERIFY);

    assertThat(fix.render(Suggestions.CLI))
        .isEqualTo("pass --no-verify to deliver the image unverified");
    assertThat(fix.render(JenkinsSuggestions.INSTANCE))
        .isEqualTo("pass mlContainerize(verify: false) to deliver the image unverified");
    assertThat(fix.render(ActionSuggestions.INSTANCE))
        .isEqualTo("pass 'verify: false' under the action's with: to deliver the image unverified");
    assertThat(
            Fix.of("pass {}.", Option.ALLOW_INSECURE_REGISTRIES).render(ActionSuggestions.INSTANCE))
        .isEqualTo("pass the action's 'allow-insecure-registries' input.");
  }
}
