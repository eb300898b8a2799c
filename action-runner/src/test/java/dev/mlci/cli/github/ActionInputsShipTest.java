package dev.mlci.cli.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Action's image inputs as the command line they become: the check is on unless {@code verify:
 * false} says otherwise, for {@code containerize} and for {@code run} with an image.
 */
class ActionInputsShipTest {
  private static ActionInputs inputs(Map<String, String> env) throws BadInputException {
    return ActionInputs.from(env);
  }

  @Test
  void containerize_verifiesByDefault() throws Exception {
    ActionInputs in =
        inputs(Map.of("INPUT_COMMAND", "containerize", "INPUT_IMAGE", "registry://r/x:1"));
    assertThat(in.verify()).isTrue();
    assertThat(in.allowInsecureRegistries()).isFalse();
    assertThat(in.cliArgs())
        .containsSequence("--target", "registry://r/x:1")
        .doesNotContain("--no-verify", "--allow-insecure-registries");
  }

  @Test
  void verifyFalse_isTheExplicitOptOut_forContainerizeAndRun() throws Exception {
    for (String command : new String[] {"containerize", "run"}) {
      ActionInputs in =
          inputs(
              Map.of(
                  "INPUT_COMMAND",
                  command,
                  "INPUT_IMAGE",
                  "registry://127.0.0.1:5000/x:1",
                  "INPUT_VERIFY",
                  "false",
                  "INPUT_ALLOW_INSECURE_REGISTRIES",
                  "true"));
      assertThat(in.cliArgs()).as(command).contains("--no-verify", "--allow-insecure-registries");
    }
  }

  @Test
  void verify_thatIsNotABoolean_namesTheInput() {
    assertThatThrownBy(
            () ->
                inputs(
                    Map.of(
                        "INPUT_COMMAND",
                        "containerize",
                        "INPUT_IMAGE",
                        "tar://x.tar",
                        "INPUT_VERIFY",
                        "maybe")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("action input 'verify'")
        .hasMessageContaining("'maybe' is not a boolean");
  }
}
