package dev.mlci.core.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The factories render exactly as the positional constructor did; fixes phrase per face. */
class ProblemTest {
  /** A face that brackets every term, so a test sees which words came from it. */
  static final Suggestions BRACKETS =
      new Suggestions() {
        @Override
        public String step(Step step) {
          return "[step " + step + "]";
        }

        @Override
        public String option(Option option) {
          return "[option " + option + "]";
        }

        @Override
        public String setting(Option option, String value) {
          return "[option " + option + " = " + value + "]";
        }
      };

  @Test
  @SuppressWarnings("deprecation")
  void factories_renderAsThePositionalConstructor() {
    assertThat(
            Problem.at("ml.yaml", 12, 5, "model.params.epochs", "must be >= 1.", "set 1.").render())
        .isEqualTo(
            new Problem("ml.yaml", 12, 5, 0, "model.params.epochs", "must be >= 1.", "set 1.")
                .render())
        .isEqualTo("ml.yaml:12:5: model.params.epochs: must be >= 1. Fix: set 1.");
    assertThat(Problem.atLine("d.csv", 3, "", "bad quote.", "close it.").render())
        .isEqualTo(new Problem("d.csv", 3, 0, 0, "", "bad quote.", "close it.").render())
        .isEqualTo("d.csv:3: bad quote. Fix: close it.");
    assertThat(
            Problem.atRow("d.csv", 17, "age", "'x' is no number.", "fix it.").onLine(18).render())
        .isEqualTo(new Problem("d.csv", 18, 0, 17, "age", "'x' is no number.", "fix it.").render())
        .isEqualTo("d.csv:18: row 17, column 'age': 'x' is no number. Fix: fix it.");
    assertThat(Problem.atRow("d.csv", 2, "", "too many fields.", "").render())
        .isEqualTo("d.csv: row 2: too many fields.");
    assertThat(Problem.in("MLFLOW_TRACKING_URI", "", "no server answers.", "start it.").render())
        .isEqualTo(
            Problem.inFile("MLFLOW_TRACKING_URI", "", "no server answers.", "start it.").render())
        .isEqualTo("MLFLOW_TRACKING_URI: no server answers. Fix: start it.");
  }

  @Test
  void source_isNotAlwaysAFile() {
    Problem p = Problem.in("--alias", "", "the alias is empty.", "name one.");
    assertThat(p.source()).isEqualTo("--alias");
  }

  @Test
  void fix_phrasesItsTermsPerFace() {
    Fix fix =
        Fix.of(
            "run {} first (or {}), or pass {} / {}.",
            Step.EVALUATE,
            Step.RUN,
            Option.BASELINE.is("FILE"),
            Option.BASE_IMAGE);
    Problem p = Problem.in("mlci-out/eval", "", "there is no evaluation.", fix);

    assertThat(p.render())
        .isEqualTo(
            "mlci-out/eval: there is no evaluation. Fix: run 'mlci evaluate' first (or 'mlci run'),"
                + " or pass --baseline FILE / --base.");
    assertThat(p.render(BRACKETS))
        .endsWith(
            "Fix: run [step EVALUATE] first (or [step RUN]), or pass [option BASELINE = FILE] /"
                + " [option BASE_IMAGE].");
    assertThat(p.fixText()).startsWith("run 'mlci evaluate' first");
  }

  @Test
  void exception_messageIsTheCliPhrasing_messageOfAFaceIsItsOwn() {
    BadInputException e =
        new BadInputException(
            List.of(
                Problem.in("a", "", "one.", Fix.of("run {}.", Step.TRAIN)),
                Problem.atLine("b", 2, "", "two.", "")));

    assertThat(e.getMessage())
        .isEqualTo("a: one. Fix: run 'mlci train'." + System.lineSeparator() + "b:2: two.");
    assertThat(e.message(BRACKETS))
        .isEqualTo("a: one. Fix: run [step TRAIN]." + System.lineSeparator() + "b:2: two.");
    assertThat(new BadInputException("plain").message(BRACKETS)).isEqualTo("plain");
  }

  @Test
  void environmentException_withAdvice_phrasesItPerFace_andRedacts() {
    EnvironmentException e =
        new EnvironmentException(
            "pushing to https://u:secret@h/r failed. ",
            Fix.of("retry {} (remote {}).", Step.RECORD_BASELINE, "https://u:secret@h/r"),
            new java.io.IOException("x"));

    assertThat(e.getMessage())
        .isEqualTo(
            "pushing to https://u:***@h/r failed. retry 'mlci baseline record --push'"
                + " (remote https://u:***@h/r).");
    assertThat(e.message(BRACKETS))
        .isEqualTo(
            "pushing to https://u:***@h/r failed. retry [step RECORD_BASELINE] (remote"
                + " https://u:***@h/r).");
    assertThat(e.getCause()).hasMessage("x");
    assertThat(new EnvironmentException("plain", null).message(BRACKETS)).isEqualTo("plain");
  }

  @Test
  void fix_aTermOfUserText_isNeverTakenForASlot() {
    Fix fix = Fix.of("record a baseline on {}, or pass {}.", "feat/{}", Option.BASELINE.is("x"));

    assertThat(fix.render(Suggestions.CLI))
        .isEqualTo("record a baseline on feat/{}, or pass --baseline x.");
  }

  @Test
  void fix_withTermsThatDoNotMatchItsSlots_isAProgrammerError() {
    assertThatThrownBy(() -> Fix.of("run {} or {}.", Step.TRAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 {} for 1 terms");
  }

  @Test
  void fix_redactsCredentials() {
    Fix fix = Fix.of("log in to {} at https://user:secret@host/x.", Option.IMAGE_TARGET);
    assertThat(fix.render(Suggestions.CLI)).doesNotContain("secret").contains("***@host");
    assertThat(Fix.text("see https://u:p@h/").render(Suggestions.CLI)).doesNotContain(":p@");
  }

  @Test
  void cliPhrasing_namesEveryStepAndOption() {
    assertThat(Suggestions.CLI.step(Step.VERIFY_IMAGE)).isEqualTo("'mlci verify-image'");
    assertThat(Suggestions.CLI.step(Step.RECORD_BASELINE))
        .isEqualTo("'mlci baseline record --push'");
    assertThat(Suggestions.CLI.option(Option.TARGET_BRANCH)).isEqualTo("--target");
    assertThat(Suggestions.CLI.option(Option.ALLOW_INSECURE_REGISTRIES))
        .isEqualTo("--allow-insecure-registries");
    assertThat(Suggestions.CLI.setting(Option.BASELINE, "rebuild")).isEqualTo("--baseline rebuild");
  }
}
