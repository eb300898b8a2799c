package dev.mlci.cli.github;

import dev.mlci.core.errors.Suggestions;

/**
 * Fixes in the terms of the GitHub Action ({@code action.yml}): the {@code command:} input that
 * runs a step and the input that sets an option, under {@code with:}. What the action does not
 * expose is named as the CLI's, said so.
 */
public final class ActionSuggestions implements Suggestions {
  public static final ActionSuggestions INSTANCE = new ActionSuggestions();

  private ActionSuggestions() {}

  @Override
  public String step(Step step) {
    String command = command(step);
    return command == null
        ? "the mlci CLI's 'mlci " + step.command() + "' (no command of the action)"
        : "the action with 'command: " + command + "'";
  }

  @Override
  public String option(Option option) {
    if (option == Option.NO_VERIFY) {
      return "'verify: false' under the action's with:";
    }
    String input = input(option);
    return input == null
        ? "the mlci CLI's " + option.flag() + " (no input of the action)"
        : "the action's '" + input + "' input";
  }

  @Override
  public String setting(Option option, String value) {
    String input = input(option);
    return input == null
        ? "the mlci CLI's " + option.flag() + " " + value + " (no input of the action)"
        : "'" + input + ": " + value + "' under the action's with:";
  }

  /** The action's command: input for the step, or null when it has none. */
  private static String command(Step step) {
    return switch (step) {
      case TRAIN -> "train";
      case EVALUATE -> "evaluate";
      case GATE -> "gate";
      case RUN -> "run";
      case REGISTER -> "register";
      case RECORD_BASELINE -> "baseline-record";
      case CONTAINERIZE -> "containerize";
      case VERIFY_IMAGE -> null;
    };
  }

  /** The action's input for the option (action.yml), or null when it has none. */
  private static String input(Option option) {
    return switch (option) {
      case CONFIG -> "config";
      case OUT -> "out";
      case TARGET_BRANCH -> "target-branch";
      case BASELINE -> "baseline";
      case IMAGE_TARGET -> "image";
      case BASE_IMAGE -> "base-image";
      case ALLOW_INSECURE_REGISTRIES -> "allow-insecure-registries";
      case NO_VERIFY -> "verify";
      case IMAGE_NAME, MODEL_NAME, ALIAS, REMOTE, DATA, TARGET_COLUMN, FORCE -> null;
    };
  }

  @Override
  public String toString() {
    return "ActionSuggestions";
  }
}
