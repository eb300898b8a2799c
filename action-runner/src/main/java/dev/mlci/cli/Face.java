package dev.mlci.cli;

import dev.mlci.cli.github.ActionSuggestions;
import dev.mlci.core.errors.Suggestions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who runs this jar, so that a fix names what that user types: the command line (the default), the
 * Jenkins shared library (its {@code MlciCli} sets {@value #VARIABLE}{@code =jenkins}), or the
 * GitHub Action (its adapter, {@code mlci github-action}, selects itself).
 */
public enum Face {
  CLI(Suggestions.CLI),
  JENKINS(JenkinsSuggestions.INSTANCE),
  GITHUB_ACTION(ActionSuggestions.INSTANCE);

  /** The environment variable a face that runs the jar sets to its name. */
  public static final String VARIABLE = "MLCI_FACE";

  private final Suggestions suggestions;

  Face(Suggestions suggestions) {
    this.suggestions = suggestions;
  }

  /** How this face's users are told what to do next. */
  public Suggestions suggestions() {
    return suggestions;
  }

  /** {@code cli}, {@code jenkins}, {@code github-action}: the value of {@value #VARIABLE}. */
  public String marker() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The face {@value #VARIABLE} names in {@code env}; empty when it names none of them. */
  public static Optional<Face> named(String marker) {
    for (Face f : values()) {
      if (f.marker().equalsIgnoreCase(marker.strip())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The face {@code env} selects: {@value #VARIABLE}, else the CLI. An unknown value selects the
   * CLI too (the marker only changes how fixes are worded), and {@link #unknown} says so.
   */
  public static Face of(Map<String, String> env) {
    String v = env.get(VARIABLE);
    return v == null || v.isBlank() ? CLI : named(v).orElse(CLI);
  }

  /** A warning when {@code env} names a face that does not exist, else empty. */
  public static Optional<String> unknown(Map<String, String> env) {
    String v = env.get(VARIABLE);
    if (v == null || v.isBlank() || named(v).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        VARIABLE
            + " is '"
            + v
            + "', which is none of cli, jenkins, github-action; fixes are worded for the CLI.");
  }
}
