package dev.mlci.cli.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Action's {@code run-on: kfp} inputs as the command line they become, and their checks. */
class ActionInputsKfpTest {
  static final String IMAGE = "ghcr.io/acme/mlci-runner@sha256:" + "ab".repeat(32);

  @Test
  void runOnKfp_becomesOnKfpWithTheEndpointImageAndTimeout() throws Exception {
    ActionInputs in =
        ActionInputs.from(
            Map.of(
                "INPUT_COMMAND", "run",
                "INPUT_RUN_ON", "kfp",
                "INPUT_KFP_ENDPOINT", "https://kfp.example.com/pipeline",
                "INPUT_RUNNER_IMAGE", IMAGE,
                "INPUT_KFP_TIMEOUT", "3h"));
    assertThat(in.cliArgs())
        .containsSequence("--on", "kfp")
        .containsSequence("--kfp-endpoint", "https://kfp.example.com/pipeline")
        .containsSequence("--runner-image", IMAGE)
        .containsSequence("--kfp-timeout", "3h");
  }

  @Test
  void runOnRunner_isTheDefault_andAddsNothing() throws Exception {
    ActionInputs in = ActionInputs.from(Map.of("INPUT_COMMAND", "run"));
    assertThat(in.kfp()).isEmpty();
    assertThat(in.cliArgs()).doesNotContain("--on", "--kfp-endpoint");
  }

  @Test
  void runOnKfp_withoutTheEndpoint_namesTheInput() {
    assertThatThrownBy(
            () ->
                ActionInputs.from(
                    Map.of(
                        "INPUT_COMMAND",
                        "run",
                        "INPUT_RUN_ON",
                        "kfp",
                        "INPUT_RUNNER_IMAGE",
                        IMAGE)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("kfp-endpoint")
        .hasMessageContaining("is required with 'run-on: kfp'");
  }

  @Test
  void runOnSomethingElse_orWithAnotherCommand_isRefused() {
    assertThatThrownBy(
            () -> ActionInputs.from(Map.of("INPUT_COMMAND", "run", "INPUT_RUN_ON", "slurm")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'slurm' is not where mlci runs the steps");
    assertThatThrownBy(
            () ->
                ActionInputs.from(
                    Map.of(
                        "INPUT_COMMAND", "gate",
                        "INPUT_RUN_ON", "kfp",
                        "INPUT_KFP_ENDPOINT", "https://k",
                        "INPUT_RUNNER_IMAGE", IMAGE)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("command 'run' only");
  }
}
