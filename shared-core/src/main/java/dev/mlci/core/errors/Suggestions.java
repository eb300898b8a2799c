package dev.mlci.core.errors;

import java.util.Locale;
import java.util.Objects;

/**
 * How one face of mlci names what a user does next. The engine phrases every fix through these
 * semantic keys — a {@link Step} to run, an {@link Option} to set — and never through a literal
 * flag, so the same failure tells a CLI user "run 'mlci evaluate' first", a Jenkins user "run
 * mlEvaluate() first" and a GitHub Action user "run the action with 'command: evaluate' first".
 *
 * <p>{@link #CLI} is the default: {@link Problem#render()} and {@link MlciException#getMessage()}
 * phrase with it. The faces pass theirs to {@link Problem#render(Suggestions)} and {@link
 * MlciException#message(Suggestions)} where they print (the Jenkins and the Action phrasing live in
 * the CLI module, which both of those faces run). A face without a way to express a key falls back
 * to the CLI phrasing, named as mlci's.
 *
 * <p>This lives next to {@link Problem} rather than in {@code core.api} because problems render
 * through it and the engine may not depend on its own facade (ArchUnit); {@code core.errors} is
 * part of the surface faces use.
 */
public interface Suggestions {

  /** A step of mlci a user runs. */
  enum Step {
    TRAIN,
    EVALUATE,
    GATE,
    /** Train, evaluate and gate in one go. */
    RUN,
    REGISTER,
    /** Record the evaluation as the branch's baseline and push it ({@code --push}). */
    RECORD_BASELINE,
    CONTAINERIZE,
    VERIFY_IMAGE;

    /** The CLI subcommand, e.g. {@code verify-image}, {@code baseline record}. */
    public String command() {
      return switch (this) {
        case RECORD_BASELINE -> "baseline record --push";
        default -> name().toLowerCase(Locale.ROOT).replace('_', '-');
      };
    }
  }

  /** An option of a step a user sets. */
  enum Option {
    /** The config file, when not ml.yaml. */
    CONFIG,
    /** The output directory. */
    OUT,
    /** The gate's target branch. */
    TARGET_BRANCH,
    /** The gate's baseline, when not the target branch's note. */
    BASELINE,
    /** Where containerize puts the image (registry:// or tar://). */
    IMAGE_TARGET,
    /** The base image of containerize. */
    BASE_IMAGE,
    /** The name of the image in a tar:// target. */
    IMAGE_NAME,
    /** Plain-HTTP registries (a switch: naming it means turning it on). */
    ALLOW_INSECURE_REGISTRIES,
    /**
     * Deliver the image without checking its serving contract (a switch: naming it means turning
     * the check off).
     */
    NO_VERIFY,
    /** The registered model's name. */
    MODEL_NAME,
    /** The registered model's alias. */
    ALIAS,
    /** The git remote a baseline is pushed to. */
    REMOTE,
    /** init's CSV. */
    DATA,
    /** init's column to predict. */
    TARGET_COLUMN,
    /** init's overwriting of existing files (a switch: naming it means turning it on). */
    FORCE;

    /** This option set to {@code value}, for a fix such as "pass --baseline FILE". */
    public Setting is(String value) {
      return new Setting(this, value);
    }

    /** The CLI flag, e.g. {@code --base}. */
    public String flag() {
      return switch (this) {
        case TARGET_BRANCH, IMAGE_TARGET, TARGET_COLUMN -> "--target";
        case BASE_IMAGE -> "--base";
        case IMAGE_NAME, MODEL_NAME -> "--name";
        default -> "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
      };
    }
  }

  /** An option with the value to give it. */
  record Setting(Option option, String value) {
    public Setting {
      Objects.requireNonNull(option, "option");
      Objects.requireNonNull(value, "value");
    }
  }

  /** How users of this face run {@code step}, e.g. {@code 'mlci evaluate'}. */
  String step(Step step);

  /** How they name {@code option}, e.g. {@code --base}. */
  String option(Option option);

  /** How they set {@code option} to {@code value}, e.g. {@code --baseline FILE}. */
  String setting(Option option, String value);

  /** The command line's phrasing: the command in quotes, the flag. */
  Suggestions CLI =
      new Suggestions() {
        @Override
        public String step(Step step) {
          return "'mlci " + step.command() + "'";
        }

        @Override
        public String option(Option option) {
          return option.flag();
        }

        @Override
        public String setting(Option option, String value) {
          return option.flag() + " " + value;
        }

        @Override
        public String toString() {
          return "Suggestions.CLI";
        }
      };
}
