package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The step the CLI prepares for before picocli parses: the command's name, or the Action's. */
class MainStepTest {
  @Test
  void theStepIsTheFirstArgument_orTheActionsCommand() {
    assertThat(Main.step(new String[] {"gate", "repo", "-q"}, Map.of())).contains("gate");
    assertThat(Main.step(new String[] {"github-action"}, Map.of("INPUT_COMMAND", " run ")))
        .contains("run");
    assertThat(Main.step(new String[] {"github-action"}, Map.of())).isEmpty();
    assertThat(Main.step(new String[] {"--help"}, Map.of())).isEmpty();
    assertThat(Main.step(new String[] {}, Map.of())).isEmpty();
  }
}
