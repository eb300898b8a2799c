package dev.mlci.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  private static final String MARKER = "run.json";

  @TempDir Path root;

  private static void content(Path dir, String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
    Files.writeString(dir.resolve(MARKER), "{}");
  }

  @Test
  void write_replacesThePreviousContentWhole() throws Exception {
    Path target = root.resolve("out/model");
    AtomicDirectory.write(target, MARKER, d -> content(d, "a", "1"));
    AtomicDirectory.write(target, MARKER, d -> content(d, "b", "2"));

    assertThat(target.resolve("a")).doesNotExist();
    assertThat(target.resolve("b")).hasContent("2");
    assertThat(list(root.resolve("out"))).containsExactly("model");
  }

  @Test
  void write_failure_keepsThePreviousResultAndLeavesNoTemporaryFiles() throws Exception {
    Path target = root.resolve("out/model");
    AtomicDirectory.write(target, MARKER, d -> content(d, "good", "kept"));

    assertThatThrownBy(
            () ->
                AtomicDirectory.write(
                    target,
                    MARKER,
                    d -> {
                      Files.writeString(d.resolve("half"), "written");
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");

    assertThat(target.resolve("good")).hasContent("kept");
    assertThat(list(root.resolve("out"))).containsExactly("model");
  }

  @Test
  void write_firstRunFails_leavesNoOutputDirectoryBehind() {
    Path target = root.resolve("a/b/model");

    assertThatThrownBy(
            () ->
                AtomicDirectory.write(
                    target,
                    MARKER,
                    d -> {
                      throw new IOException("boom");
                    }))
        .hasMessage("boom");

    assertThat(root.resolve("a")).doesNotExist();
  }

  @Test
  void write_neverReplacesADirectoryItDidNotWrite() throws Exception {
    Path target = root.resolve("model");
    Files.createDirectories(target);
    Files.writeString(target.resolve("Model.java"), "class Model {}");

    assertThatThrownBy(() -> AtomicDirectory.write(target, MARKER, d -> content(d, "x", "y")))
        .isInstanceOf(AtomicDirectory.ForeignDirectoryException.class);

    assertThat(target.resolve("Model.java")).hasContent("class Model {}");
    assertThat(list(root)).containsExactly("model");
  }

  @Test
  void write_afterACrashBetweenTheTwoRenames_restoresThenReplaces() throws Exception {
    // A crash left the previous result renamed aside and a staging directory behind, and no target.
    Path old = Files.createDirectories(root.resolve(".model.old-1234abcd"));
    content(old, "previous", "p");
    Files.createDirectories(root.resolve(".model.tmp-5678abcd")).resolve("half");

    AtomicDirectory.write(root.resolve("model"), MARKER, d -> content(d, "next", "n"));

    assertThat(root.resolve("model/next")).hasContent("n");
    assertThat(list(root)).containsExactly("model");
  }

  @Test
  void deleteIfOurs_deletesOnlyMarkedDirectories() throws Exception {
    Path ours = Files.createDirectories(root.resolve("eval"));
    content(ours, "metrics.json", "{}");
    Path theirs = Files.createDirectories(root.resolve("other"));

    assertThat(AtomicDirectory.deleteIfOurs(ours, MARKER)).isTrue();
    assertThat(AtomicDirectory.deleteIfOurs(theirs, MARKER)).isFalse();
    assertThat(list(root)).containsExactly("other");
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
