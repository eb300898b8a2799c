package dev.mlci.core.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Argv} splits as POSIX sh does (checked against {@code sh -c 'printf "[%s]" ...'}). */
class ArgvTest {
  @Test
  void split_plainWords() {
    assertThat(Argv.split("  python3\ttrain.py  --epochs 10 "))
        .containsExactly("python3", "train.py", "--epochs", "10");
  }

  @Test
  void split_quotesAndEscapes_likeAShell() throws Exception {
    String command = "python3 'my train.py' \"a \\\"b\\\" \\$HOME\" c\\ d '' x\"y\"z $HOME *.py";
    List<String> ours = Argv.split(command);
    assertThat(ours)
        .containsExactly(
            "python3", "my train.py", "a \"b\" $HOME", "c d", "", "xyz", "$HOME", "*.py");
    // The shell itself agrees, except that it expands what mlci leaves alone ($HOME, *.py).
    String quoted = command.replace(" $HOME *.py", "");
    Process sh =
        new ProcessBuilder("sh", "-c", "for a in " + quoted + "; do printf '[%s]' \"$a\"; done")
            .start();
    String out = new String(sh.getInputStream().readAllBytes());
    sh.waitFor();
    assertThat(out).isEqualTo("[python3][my train.py][a \"b\" $HOME][c d][][xyz]");
  }

  @Test
  void split_unterminatedQuote_isRefused() {
    assertThatThrownBy(() -> Argv.split("python3 'train.py"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated ' (single quote) at character 9");
    assertThatThrownBy(() -> Argv.split("   ")).hasMessageContaining("no program to run");
  }
}
