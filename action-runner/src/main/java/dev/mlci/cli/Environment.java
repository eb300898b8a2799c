package dev.mlci.cli;

import java.util.Map;

/**
 * What the CLI needs to know of where it runs: whether standard error is a terminal someone watches
 * (progress bar) or a CI log (plain lines).
 */
record Environment(boolean terminal) {
  /** Environment variables CI services set; any of them means "not a person at a terminal". */
  static final String[] CI_VARIABLES = {
    "CI", "GITHUB_ACTIONS", "JENKINS_URL", "BUILD_NUMBER", "GITLAB_CI"
  };

  /** The environment of this process. */
  static Environment detect() {
    return of(System.getenv(), System.console() != null);
  }

  static Environment of(Map<String, String> env, boolean console) {
    boolean ci = false;
    for (String v : CI_VARIABLES) {
      ci |= env.containsKey(v);
    }
    boolean dumb = "dumb".equals(env.get("TERM"));
    return new Environment(console && !ci && !dumb);
  }
}
