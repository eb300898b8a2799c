package dev.mlci.core.git;

import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Git credentials from the environment, for HTTPS remotes: {@code MLCI_GIT_TOKEN}, else {@code
 * GITHUB_TOKEN}, else {@code GH_TOKEN}, sent as the password of user {@code MLCI_GIT_USERNAME}
 * (default {@code x-access-token}, which GitHub expects for tokens). Local and file remotes need
 * none. The token is never printed.
 */
public final class Credentials {
  /** Variables read for the token, in order. */
  public static final String[] TOKEN_VARIABLES = {"MLCI_GIT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"};

  private Credentials() {}

  /** The provider for {@code env}, or empty when no token is set. */
  public static Optional<CredentialsProvider> fromEnvironment(Map<String, String> env) {
    for (String name : TOKEN_VARIABLES) {
      String token = env.get(name);
      if (token != null && !token.isBlank()) {
        String user = env.getOrDefault("MLCI_GIT_USERNAME", "x-access-token");
        return Optional.of(new UsernamePasswordCredentialsProvider(user, token.strip()));
      }
    }
    return Optional.empty();
  }
}
