package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.cli.github.GitHubActionCommand;
import dev.mlci.core.errors.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action adapter in process, as action.yml runs it: inputs from {@code INPUT_*}, a pull
 * request event, step outputs, the job summary, annotations, and the sticky comment written to a
 * local server with GitHub's REST shapes (the same one the github package's tests use).
 */
class GitHubActionTest {
  static final String TOKEN = "ghp_write_token_0123456789";

  @TempDir Path tmp;
  GitFixture fixture;
  dev.mlci.cli.github.FakeGitHub github;

  @BeforeEach
  void mainWithABaseline() throws Exception {
    github = new dev.mlci.cli.github.FakeGitHub();
    fixture = new GitFixture(tmp);
    GitFixture.Workdir main = fixture.clone("main-build");
    main.commit("baseline model", GitFixture.config(GitFixture.BASE_FEATURES, ""));
    main.push("main");
    assertThat(main.mlci("run", "--target", "main").exit()).isZero();
    assertThat(main.mlci("baseline record", "--push").exit()).isZero();
  }

  @AfterEach
  void stop() {
    github.close();
  }

  record Outcome(int exit, String out, String outputs, String summary) {}

  private Map<String, String> env(GitFixture.Workdir w, String command) throws Exception {
    Path event = tmp.resolve("event.json");
    Files.writeString(
        event,
        "{\"action\": \"synchronize\", \"number\": 7, \"pull_request\": {\"number\": 7, \"base\":"
            + " {\"ref\": \"main\"}, \"head\": {\"ref\": \"feature\"}}, \"repository\":"
            + " {\"full_name\": \"acme/bc\"}}");
    Map<String, String> env = new HashMap<>();
    env.put("INPUT_COMMAND", command);
    env.put("INPUT_WORKING_DIRECTORY", w.dir.toString());
    env.put("INPUT_TARGET_BRANCH", "main");
    env.put("INPUT_GITHUB_TOKEN", TOKEN);
    env.put("INPUT_COMMENT", "true");
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_OUTPUT", tmp.resolve("output-" + w.dir.getFileName()).toString());
    env.put("GITHUB_STEP_SUMMARY", tmp.resolve("summary-" + w.dir.getFileName()).toString());
    env.put("GITHUB_EVENT_NAME", "pull_request");
    env.put("GITHUB_EVENT_PATH", event.toString());
    env.put("GITHUB_REPOSITORY", "acme/bc");
    env.put("GITHUB_API_URL", github.url().toString());
    env.put("GITHUB_WORKSPACE", w.dir.toString());
    return env;
  }

  private Outcome action(Map<String, String> env) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        GitHubActionCommand.execute(env, new PrintWriter(out, true), new PrintWriter(err, true));
    Path outputs = Path.of(env.get("GITHUB_OUTPUT"));
    Path summary = Path.of(env.get("GITHUB_STEP_SUMMARY"));
    return new Outcome(
        exit,
        out.toString(),
        Files.exists(outputs) ? Files.readString(outputs) : "",
        Files.exists(summary) ? Files.readString(summary) : "");
  }

  private GitFixture.Workdir branch(String name, String features) throws Exception {
    GitFixture.Workdir w = fixture.clone(name);
    w.branch(name);
    w.commit(name, GitFixture.config(features, ""));
    return w;
  }

  @Test
  void aPassingPullRequestGetsOutputsSummaryAndOneStickyComment() throws Exception {
    GitFixture.Workdir w = branch("all-features", GitFixture.ALL_FEATURES);
    Map<String, String> env = env(w, "run");

    Outcome first = action(env);
    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(first.outputs())
        .containsPattern("verdict<<mlci_\\w+\\nPASS\\n")
        .containsPattern("metrics<<mlci_\\w+\\n\\{\"accuracy\":")
        .contains("report-path<<")
        .containsPattern("exit-code<<mlci_\\w+\\n0\\n");
    assertThat(first.summary()).contains("mlci gate: **PASS**");
    assertThat(first.out()).contains("created the pull-request comment");
    assertThat(github.bodies("acme/bc", 7)).hasSize(1);

    Outcome second = action(env);
    assertThat(second.exit()).isZero();
    assertThat(second.out()).contains("updated the pull-request comment");
    assertThat(github.bodies("acme/bc", 7))
        .hasSize(1)
        .allSatisfy(b -> assertThat(b).startsWith("<!-- mlci-report: breast-cancer -->"));
    // The token is masked first and never printed otherwise.
    String all = first.out() + second.out();
    assertThat(all).contains("::add-mask::" + TOKEN);
    assertThat(all.split(TOKEN, -1)).hasSize(3);
  }

  @Test
  void aRegressionFailsWithAnnotationsOnTheRuleLines() throws Exception {
    GitFixture.Workdir w = branch("weak-features", GitFixture.WEAK_FEATURES);
    Outcome r = action(env(w, "run"));
    assertThat(r.exit()).isEqualTo(1);
    // ml.yaml lines 16 and 18 hold the two rules (see GitFixture.config).
    assertThat(Files.readAllLines(w.dir.resolve("ml.yaml")).get(15)).contains("metric: roc_auc");
    assertThat(r.out())
        .contains(
            "::error file=ml.yaml,line=16,title=mlci gate%3A roc_auc FAIL::roc_auc max_drop 0.01");
    assertThat(r.outputs()).containsPattern("verdict<<mlci_\\w+\\nFAIL\\n");
    assertThat(r.summary()).contains("mlci gate: **FAIL**").contains("```mermaid");
    assertThat(github.bodies("acme/bc", 7)).singleElement().asString().contains("FAIL");
  }

  @Test
  void outsideActionsAnnotationsArePlainLinesAndNothingIsMasked() throws Exception {
    // Jenkins runs the comment mode too; its log must not fill with workflow commands.
    GitFixture.Workdir w = branch("weak-features-jenkins", GitFixture.WEAK_FEATURES);
    Map<String, String> env = env(w, "run");
    env.remove("GITHUB_ACTIONS");
    Outcome r = action(env);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains("error: ml.yaml:16: mlci gate: roc_auc FAIL: roc_auc max_drop 0.01")
        .doesNotContain("::error")
        .doesNotContain("::add-mask::")
        .doesNotContain(TOKEN);
  }

  @Test
  void aReadOnlyTokenSkipsTheCommentWithANotice() throws Exception {
    GitFixture.Workdir w = branch("fork", GitFixture.ALL_FEATURES);
    Map<String, String> env = env(w, "run");
    env.put("INPUT_GITHUB_TOKEN", "ghs_read_only_token_0123456789");
    Outcome r = action(env);
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("::notice title=mlci::the token cannot write pull-request comments");
    assertThat(github.bodies("acme/bc", 7)).isEmpty();
  }

  @Test
  void badInputsAreNamed() throws Exception {
    GitFixture.Workdir w = branch("bad", GitFixture.ALL_FEATURES);
    Map<String, String> env = env(w, "deploy");
    env.put("INPUT_COMMENT", "maybe");
    StringWriter out = new StringWriter();
    assertThatThrownBy(
            () ->
                GitHubActionCommand.execute(
                    env, new PrintWriter(out, true), new PrintWriter(new StringWriter())))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("action input 'command'")
        .hasMessageContaining(
            "one of train, evaluate, gate, run, containerize, baseline-record, register, comment")
        .hasMessageContaining("action input 'comment'");
    assertThat(out.toString()).contains("::error title=mlci::action input 'command'");
  }
}
