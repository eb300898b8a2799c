package dev.mlci.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  @TempDir Path root;

  @Test
  void write_replacesThePreviousContentWhole() throws Exception {
    Path target = root.resolve("out/model");
    AtomicDirectory.write(target, d -> Files.writeString(d.resolve("a"), "1"));
    AtomicDirectory.write(target, d -> Files.writeString(d.resolve("b"), "2"));

    assertThat(target.resolve("a")).doesNotExist();
    assertThat(target.resolve("b")).hasContent("2");
    assertThat(list(root.resolve("out"))).containsExactly("model");
  }

  @Test
  void write_failure_keepsThePreviousResultAndLeavesNoTemporaryFiles() throws Exception {
    Path target = root.resolve("out/model");
    AtomicDirectory.write(target, d -> Files.writeString(d.resolve("good"), "kept"));

    assertThatThrownBy(
            () ->
                AtomicDirectory.write(
                    target,
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
                    d -> {
                      throw new IOException("boom");
                    }))
        .hasMessage("boom");

    assertThat(root.resolve("a")).doesNotExist();
  }

  private static java.util.List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
