package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parse-only tests pin every default; a few runs pin usage errors and help. */
class CliTest {

  @Test
  void parse_defaults() {
    TrainCommand train = new TrainCommand();
    new CommandLine(train).parseArgs();

    assertThat(train.options.dir).isEqualTo(Path.of("."));
    assertThat(train.options.config).isNull();
    assertThat(train.options.out).isNull();
    assertThat(train.options.json).isFalse();
    assertThat(train.options.quiet).isFalse();
    assertThat(train.options.progress).isEqualTo(CommonOptions.ProgressMode.auto);
  }

  @Test
  void parse_everyOption() {
    EvaluateCommand e = new EvaluateCommand();
    new CommandLine(e)
        .parseArgs(
            "repo", "--config", "c.yaml", "--out", "o", "--json", "-q", "--progress", "plain");

    assertThat(e.options.dir).isEqualTo(Path.of("repo"));
    assertThat(e.options.config).isEqualTo(Path.of("c.yaml"));
    assertThat(e.options.out).isEqualTo(Path.of("o"));
    assertThat(e.options.json).isTrue();
    assertThat(e.options.quiet).isTrue();
    assertThat(e.options.progress).isEqualTo(CommonOptions.ProgressMode.plain);
  }

  @Test
  void unknownOption_isAUsageError() {
    CliRun r = CliRun.of("train", "--outt", "x");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--outt'");
  }

  @Test
  void noCommand_isAUsageError() {
    assertThat(CliRun.of().exit()).isEqualTo(2);
  }

  @Test
  void missingDirectory_isABadInput() {
    CliRun r = CliRun.of("train", "/no/such/dir");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: /no/such/dir: this directory does not exist.");
  }

  @Test
  void help_listsCommandsExamplesAndExitCodes() {
    CliRun r = CliRun.of("--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains(
            "train",
            "evaluate",
            "run",
            "Examples:",
            "Exit codes:",
            "2  usage, config or data error");
  }

  @Test
  void help_listsEveryCommandWithAWholeSentence() {
    // The command list shows the first line of each description: it must be a sentence, not
    // the start of one that the list cuts off.
    java.util.List<String> cut = new java.util.ArrayList<>();
    java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
    todo.add(MlciCommand.commandLine(new String[0]));
    while (!todo.isEmpty()) {
      picocli.CommandLine c = todo.pop();
      todo.addAll(c.getSubcommands().values());
      String[] description = c.getCommandSpec().usageMessage().description();
      String first = description.length == 0 ? "" : description[0].strip();
      if (!first.endsWith(".")) {
        cut.add(c.getCommandName() + ": " + first);
      }
    }

    assertThat(cut).isEmpty();
  }

  @Test
  void commands_areRegisteredUnderTheNamesTheirAnnotationsGive() {
    for (MlciCommand.Sub sub : MlciCommand.COMMANDS) {
      assertThat(sub.type().getAnnotation(picocli.CommandLine.Command.class).name())
          .isEqualTo(sub.name());
    }
  }

  @Test
  void commandLine_buildsOnlyTheCommandNamedFirst_orAllWhenNoneIs() {
    assertThat(MlciCommand.commandLine(new String[] {"gate", "--json"}).getSubcommands())
        .containsOnlyKeys("gate");
    assertThat(MlciCommand.commandLine(new String[] {"--version"}).getSubcommands()).isEmpty();
    assertThat(MlciCommand.commandLine(new String[] {"help", "gate"}).getSubcommands())
        .hasSize(MlciCommand.COMMANDS.size());
    assertThat(MlciCommand.commandLine(new String[] {"gat"}).getSubcommands())
        .hasSize(MlciCommand.COMMANDS.size());
    // A typo still gets picocli's suggestion, which needs every command's name.
    CliRun r = CliRun.of("gat");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("gate");
  }

  @Test
  void version_fastPath_printsWhatPicocliPrints() {
    CliRun r = CliRun.of("--version");

    assertThat(r.exit()).isZero();
    assertThat(Main.versionText()).isEqualTo(r.out());
  }

  @Test
  void version_namesMlciTribuoAndJava() {
    CliRun r = CliRun.of("--version");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("mlci ", "Tribuo 4.3.2", "Java ");
  }

  @Test
  void ciEnvironment_getsPlainProgress() {
    assertThat(Environment.of(java.util.Map.of("CI", "true"), true).terminal()).isFalse();
    assertThat(Environment.of(java.util.Map.of(), true).terminal()).isTrue();
    assertThat(Environment.of(java.util.Map.of(), false).terminal()).isFalse();
  }
}
