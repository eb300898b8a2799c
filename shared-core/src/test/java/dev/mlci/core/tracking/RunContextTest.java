package dev.mlci.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.git.GitInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunContextTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  // JGit names a detached HEAD's branch by its commit id, as CI checkouts usually are.
  private static final Optional<GitInfo> GIT = Optional.of(new GitInfo(COMMIT, COMMIT, false));

  @Test
  void aGitHubPullRequest() {
    Map<String, String> tags =
        RunContext.tags(
            Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_HEAD_REF", "feature/x",
                "GITHUB_REF", "refs/pull/42/merge",
                "GITHUB_REPOSITORY", "acme/churn",
                "GITHUB_RUN_ID", "777",
                "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_ACTOR", "octocat"),
            GIT,
            Path.of("/w"));

    assertThat(tags)
        .containsEntry("mlflow.source.git.commit", "0123456789abcdef0123456789abcdef01234567")
        .containsEntry("mlflow.source.git.branch", "feature/x")
        .containsEntry("mlflow.source.git.repoURL", "https://github.com/acme/churn")
        .containsEntry("mlflow.source.name", "https://github.com/acme/churn")
        .containsEntry("mlflow.source.type", "JOB")
        .containsEntry("mlflow.user", "octocat")
        .containsEntry("mlci.pull_request", "42")
        .containsEntry("mlci.build_url", "https://github.com/acme/churn/actions/runs/777")
        .containsEntry("mlci.ci", "github-actions");
  }

  @Test
  void aJenkinsMultibranchPullRequest() {
    Map<String, String> tags =
        RunContext.tags(
            Map.of(
                "JENKINS_URL", "https://ci.example.com/",
                "BUILD_URL", "https://ci.example.com/job/churn/job/PR-9/3/",
                "CHANGE_ID", "9",
                "CHANGE_BRANCH", "tune-lr",
                "BRANCH_NAME", "PR-9",
                "GIT_URL", "https://bot:token@git.example.com/acme/churn.git"),
            GIT,
            Path.of("/w"));

    assertThat(tags)
        .containsEntry("mlflow.source.git.branch", "tune-lr")
        .containsEntry("mlci.pull_request", "9")
        .containsEntry("mlci.build_url", "https://ci.example.com/job/churn/job/PR-9/3/")
        .containsEntry("mlflow.source.git.repoURL", "https://git.example.com/acme/churn.git")
        .containsEntry("mlci.ci", "jenkins");
  }

  @Test
  void aDetachedCheckoutOnADeveloperMachineHasNoBranch() {
    Map<String, String> tags = RunContext.tags(Map.of(), GIT, Path.of("/w/repo"));

    assertThat(tags)
        .doesNotContainKey("mlflow.source.git.branch")
        .containsEntry("mlflow.source.type", "LOCAL")
        .containsEntry("mlci.ci", "none");
  }
}
