package dev.mlci.cli.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sticky comment and the REST client against a local server with GitHub's API shapes. */
class StickyCommentTest {
  static final String REPO = "acme/churn";
  FakeGitHub github;
  final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    github = new FakeGitHub();
  }

  @AfterEach
  void stop() {
    github.close();
  }

  GitHubApi api(String token) {
    return new GitHubApi(github.url(), token, waits::add, Clock.systemUTC());
  }

  @Test
  void theFirstRunCreatesTheCommentAndLaterRunsUpdateIt() throws Exception {
    // 250 comments: three pages of 100, one of them quoting our marker but by someone else.
    for (int i = 0; i < 250; i++) {
      github.seed(
          REPO,
          7,
          i == 120 ? "reviewer" : "user" + i,
          i == 120 ? StickyComment.marker("churn") + "\nquoted" : "comment " + i);
    }
    GitHubApi api = api(FakeGitHub.WRITE_TOKEN);

    StickyComment.Result first = StickyComment.post(api, REPO, 7, "churn", "# report 1", "hint");
    assertThat(first.outcome()).isEqualTo(StickyComment.Outcome.CREATED);
    StickyComment.Result second = StickyComment.post(api, REPO, 7, "churn", "# report 2", "hint");
    assertThat(second.outcome()).isEqualTo(StickyComment.Outcome.UPDATED);
    assertThat(second.comment().get().id()).isEqualTo(first.comment().get().id());

    List<FakeGitHub.Stored> ours =
        github.comments(REPO, 7).stream().filter(c -> c.author().equals("mlci-bot")).toList();
    assertThat(ours).hasSize(1);
    assertThat(ours.get(0).body()).startsWith("<!-- mlci-report: churn -->").endsWith("# report 2");
    assertThat(github.comments(REPO, 7)).hasSize(251);
    assertThat(github.requests)
        .anyMatch(r -> r.contains("page=3"))
        .anyMatch(r -> r.startsWith("PATCH /repos/acme/churn/issues/comments/"));
    // The other model of the repository gets its own comment.
    assertThat(StickyComment.post(api, REPO, 7, "fraud", "x", "hint").outcome())
        .isEqualTo(StickyComment.Outcome.CREATED);
  }

  @Test
  void anOversizedReportIsCutWithANote() throws Exception {
    StringBuilder report = new StringBuilder();
    while (report.length() < 100_000) {
      report.append("| row ").append(report.length()).append(" | 0.1234 |\n");
    }
    StickyComment.Result r =
        StickyComment.post(
            api(FakeGitHub.WRITE_TOKEN), REPO, 9, "churn", report.toString(), "See the summary.");
    assertThat(r.truncated()).isTrue();
    String body = github.comments(REPO, 9).get(0).body();
    assertThat(body.length()).isLessThanOrEqualTo(StickyComment.LIMIT);
    assertThat(body)
        .contains("cut to fit GitHub's 65536-character comment limit. See the summary.");
    assertThat(body.substring(0, body.indexOf("\n\n---"))).endsWith("|");
  }

  @Test
  void aReadOnlyTokenIsReportedNotThrown() throws Exception {
    StickyComment.Result r =
        StickyComment.post(api(FakeGitHub.READ_ONLY_TOKEN), REPO, 7, "churn", "# r", "hint");
    assertThat(r.outcome()).isEqualTo(StickyComment.Outcome.READ_ONLY);
    assertThat(github.comments(REPO, 7)).isEmpty();
  }

  @Test
  void theActionsTokenCommentsAsTheActionsBot() throws Exception {
    github.seed(REPO, 7, "github-actions[bot]", StickyComment.marker("churn") + "\nold");
    StickyComment.Result r =
        StickyComment.post(api(FakeGitHub.APP_TOKEN), REPO, 7, "churn", "# new", "hint");
    assertThat(r.outcome()).isEqualTo(StickyComment.Outcome.UPDATED);
    assertThat(github.comments(REPO, 7)).hasSize(1);
  }

  @Test
  void serverErrorsAndSecondaryRateLimitsAreRetriedWithBackoff() throws Exception {
    github.failuresToServe.set(2);
    github.rateLimitsToServe.set(0);
    assertThat(StickyComment.post(api(FakeGitHub.WRITE_TOKEN), REPO, 7, "m", "# r", "h").outcome())
        .isEqualTo(StickyComment.Outcome.CREATED);
    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));

    waits.clear();
    github.rateLimitsToServe.set(1);
    assertThat(StickyComment.post(api(FakeGitHub.WRITE_TOKEN), REPO, 7, "m", "# r2", "h").outcome())
        .isEqualTo(StickyComment.Outcome.UPDATED);
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void persistentFailuresGiveUpAfterFiveAttempts() {
    github.failuresToServe.set(100);
    assertThatThrownBy(() -> api(FakeGitHub.WRITE_TOKEN).comments(REPO, 7))
        .isInstanceOf(GitHubApi.GitHubException.class)
        .hasMessageContaining("HTTP 502");
    assertThat(github.requests).hasSize(GitHubApi.ATTEMPTS);
    assertThat(waits).hasSize(GitHubApi.ATTEMPTS - 1);
  }

  @Test
  void workflowCommandsAreEscaped() {
    assertThat(WorkflowCommands.escapeData("50% done\nnext")).isEqualTo("50%25 done%0Anext");
    assertThat(WorkflowCommands.escapeProperty("a:b,c")).isEqualTo("a%3Ab%2Cc");
  }
}
