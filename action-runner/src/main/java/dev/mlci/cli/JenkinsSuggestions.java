package dev.mlci.cli;

import dev.mlci.core.errors.Suggestions;

/**
 * Fixes in the terms of the Jenkins shared library ({@code pipeline-library/vars}): the step to
 * call ({@code mlEvaluate()}) and its parameter ({@code mlContainerize(base: ...)}). Jenkins runs
 * this jar with {@code MLCI_FACE=jenkins} ({@code MlciCli.groovy}). What the library's steps do not
 * expose is named as the CLI's, said so.
 */
final class JenkinsSuggestions implements Suggestions {
  static final JenkinsSuggestions INSTANCE = new JenkinsSuggestions();

  private JenkinsSuggestions() {}

  @Override
  public String step(Step step) {
    return switch (step) {
      case TRAIN -> "mlTrain()";
      case EVALUATE -> "mlEvaluate()";
      case GATE -> "mlGate()";
      case RUN -> "the mlTrain(), mlEvaluate(), mlGate() stages";
      case REGISTER -> "mlRegister()";
      case RECORD_BASELINE -> "mlBaselineRecord(push: true)";
      case CONTAINERIZE -> "mlContainerize()";
      case VERIFY_IMAGE -> "mlContainerize(verify: true)";
    };
  }

  @Override
  public String option(Option option) {
    if (option == Option.NO_VERIFY) {
      return "mlContainerize(verify: false)";
    }
    String parameter = parameter(option);
    if (parameter == null) {
      return "the mlci CLI's " + option.flag() + " (no parameter of the Jenkins steps)";
    }
    String step = owner(option);
    return step == null
        ? "the " + parameter + ": parameter"
        : "the " + parameter + ": parameter of " + step + "()";
  }

  @Override
  public String setting(Option option, String value) {
    String parameter = parameter(option);
    if (parameter == null) {
      return "the mlci CLI's "
          + option.flag()
          + " "
          + value
          + " (no parameter of the Jenkins steps)";
    }
    String step = owner(option);
    String set = parameter + ": '" + value + "'";
    return step == null ? set : step + "(" + set + ")";
  }

  /** The parameter of the library's steps, or null when they have none for it. */
  private static String parameter(Option option) {
    return switch (option) {
      case CONFIG -> "config";
      case OUT -> "out";
      case TARGET_BRANCH, IMAGE_TARGET -> "target";
      case BASELINE -> "baseline";
      case BASE_IMAGE -> "base";
      case ALLOW_INSECURE_REGISTRIES -> "allowInsecureRegistries";
      case NO_VERIFY -> "verify";
      case MODEL_NAME -> "name";
      case ALIAS -> "alias";
      case REMOTE -> "remote";
      case IMAGE_NAME, DATA, TARGET_COLUMN, FORCE -> null;
    };
  }

  /** The one step the parameter belongs to, or null when every step takes it. */
  private static String owner(Option option) {
    return switch (option) {
      case CONFIG, OUT, IMAGE_NAME, DATA, TARGET_COLUMN, FORCE -> null;
      case TARGET_BRANCH, BASELINE -> "mlGate";
      case IMAGE_TARGET, BASE_IMAGE, ALLOW_INSECURE_REGISTRIES, NO_VERIFY -> "mlContainerize";
      case MODEL_NAME, ALIAS -> "mlRegister";
      case REMOTE -> "mlBaselineRecord";
    };
  }

  @Override
  public String toString() {
    return "JenkinsSuggestions";
  }
}
