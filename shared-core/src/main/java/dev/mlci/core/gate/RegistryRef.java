package dev.mlci.core.gate;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.util.Optional;

/**
 * A model version in MLflow's registry, written as MLflow writes it: {@code models:/NAME@ALIAS} or
 * {@code models:/NAME/VERSION}.
 */
public record RegistryRef(String name, Optional<String> alias, Optional<String> version) {
  /** What a registry reference starts with. */
  public static final String PREFIX = "models:/";

  /**
   * Parses {@code s}, which starts with {@value #PREFIX}.
   *
   * @throws BadInputException when it names no model version
   */
  public static RegistryRef parse(String s) throws BadInputException {
    String rest = s.substring(PREFIX.length());
    int at = rest.lastIndexOf('@');
    int slash = rest.lastIndexOf('/');
    if (at > 0 && at < rest.length() - 1) {
      return new RegistryRef(
          rest.substring(0, at), Optional.of(rest.substring(at + 1)), Optional.empty());
    }
    if (slash > 0 && rest.substring(slash + 1).matches("\\d+")) {
      return new RegistryRef(
          rest.substring(0, slash), Optional.empty(), Optional.of(rest.substring(slash + 1)));
    }
    throw new BadInputException(
        Problem.in(
            "--baseline",
            "",
            "'" + s + "' names no model version.",
            "write models:/NAME@ALIAS (e.g. models:/breast-cancer@champion) or"
                + " models:/NAME/VERSION."));
  }

  @Override
  public String toString() {
    return PREFIX
        + name
        + alias.map(a -> "@" + a).orElse("")
        + version.map(v -> "/" + v).orElse("");
  }
}
