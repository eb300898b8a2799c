package dev.mlci.core.tracking;

import dev.mlci.core.git.GitInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a run happens, as MLflow tags: the commit and branch ({@code mlflow.source.git.*}), the
 * source and user, and on CI the pull request and the build's URL. Read from the variables GitHub
 * Actions and Jenkins set, falling back to the git checkout.
 */
public final class RunContext {
  private static final Pattern PULL_REF = Pattern.compile("^refs/pull/(\\d+)/");

  private RunContext() {}

  /** The tags describing the run's origin. */
  public static Map<String, String> tags(
      Map<String, String> env, Optional<GitInfo> git, Path repository) {
    Map<String, String> tags = new LinkedHashMap<>();
    boolean github = "true".equals(env.get("GITHUB_ACTIONS"));
    boolean jenkins = present(env, "JENKINS_URL") || present(env, "BUILD_URL");
    git.ifPresent(
        g -> {
          tags.put("mlflow.source.git.commit", g.commit());
          if (g.dirty()) {
            tags.put("mlci.git.dirty", "true");
          }
        });
    branch(env, git).ifPresent(b -> tags.put("mlflow.source.git.branch", b));
    Optional<String> repoUrl = repositoryUrl(env, repository);
    repoUrl.ifPresent(u -> tags.put("mlflow.source.git.repoURL", u));
    tags.put("mlflow.source.name", repoUrl.orElse(repository.toString()));
    tags.put("mlflow.source.type", github || jenkins || present(env, "CI") ? "JOB" : "LOCAL");
    user(env).ifPresent(u -> tags.put("mlflow.user", u));
    pullRequest(env).ifPresent(pr -> tags.put("mlci.pull_request", pr));
    buildUrl(env).ifPresent(u -> tags.put("mlci.build_url", u));
    tags.put("mlci.ci", github ? "github-actions" : jenkins ? "jenkins" : "none");
    return tags;
  }

  /** The branch being built: the pull request's head on CI, else the checkout's branch. */
  static Optional<String> branch(Map<String, String> env, Optional<GitInfo> git) {
    for (String v :
        new String[] {"GITHUB_HEAD_REF", "CHANGE_BRANCH", "GITHUB_REF_NAME", "BRANCH_NAME"}) {
      if (present(env, v)) {
        return Optional.of(env.get(v).strip());
      }
    }
    if (present(env, "GIT_BRANCH")) {
      return Optional.of(env.get("GIT_BRANCH").strip().replaceFirst("^origin/", ""));
    }
    // A detached HEAD reports the commit id as its branch: that is no branch.
    return git.filter(g -> !g.branch().equals(g.commit())).map(GitInfo::branch);
  }

  static Optional<String> pullRequest(Map<String, String> env) {
    if (present(env, "CHANGE_ID")) {
      return Optional.of(env.get("CHANGE_ID").strip());
    }
    String ref = env.getOrDefault("GITHUB_REF", "");
    Matcher m = PULL_REF.matcher(ref);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  static Optional<String> buildUrl(Map<String, String> env) {
    if (present(env, "GITHUB_RUN_ID") && present(env, "GITHUB_REPOSITORY")) {
      String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
      return Optional.of(
          server
              + "/"
              + env.get("GITHUB_REPOSITORY")
              + "/actions/runs/"
              + env.get("GITHUB_RUN_ID"));
    }
    return present(env, "BUILD_URL") ? Optional.of(env.get("BUILD_URL")) : Optional.empty();
  }

  private static Optional<String> repositoryUrl(Map<String, String> env, Path repository) {
    if (present(env, "GITHUB_REPOSITORY")) {
      return Optional.of(
          env.getOrDefault("GITHUB_SERVER_URL", "https://github.com")
              + "/"
              + env.get("GITHUB_REPOSITORY"));
    }
    if (present(env, "GIT_URL")) {
      return Optional.of(MlflowServer.redact(env.get("GIT_URL")));
    }
    return GitInfo.originUrl(repository);
  }

  private static Optional<String> user(Map<String, String> env) {
    for (String v : new String[] {"GITHUB_ACTOR", "BUILD_USER_ID", "USER", "USERNAME"}) {
      if (present(env, v)) {
        return Optional.of(env.get(v));
      }
    }
    return Optional.empty();
  }

  private static boolean present(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }
}
