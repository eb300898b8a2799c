package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.io.AtomicDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One exit code for one user error, whichever step meets it: a folder or file in {@code --out} that
 * mlci did not write, where a step is about to write, is refused with exit 2 and left as it was
 * (before, evaluate, containerize and verify-image could exit 3 for the same thing).
 */
class ForeignOutputTest {
  @TempDir static Path tmp;
  static SampleRepo repo;

  @BeforeAll
  static void trainEvaluateGate() throws Exception {
    repo = new SampleRepo(tmp.resolve("repo"));
    CliRun r = repo.run("run");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @ParameterizedTest(name = "{0} with a foreign {1}")
  @CsvSource({
    "train, model",
    "train, eval",
    "train, mlruns",
    "evaluate, eval",
    "evaluate, mlruns",
    "gate, gate",
    "gate, mlruns",
    "containerize, image",
    "verify-image, verify",
  })
  void step_withAForeignFolderInItsWay_exits2AndLeavesItAlone(String step, String name)
      throws Exception {
    Path out = repo.out();
    Path dir = out.resolve(name);
    Path saved = tmp.resolve("saved-" + step + "-" + name);
    if (Files.exists(dir)) {
      Files.move(dir, saved);
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("mine.txt"), "the user's");

      CliRun r =
          step.equals("containerize")
              ? repo.run(step, "--target", "tar://" + tmp.resolve("image.tar"))
              : repo.run(step);

      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("was not written by mlci")
          .contains("choose another --out")
          .doesNotContain("\tat ");
      assertThat(dir.resolve("mine.txt")).hasContent("the user's");
    } finally {
      AtomicDirectory.deleteRecursively(dir);
      if (Files.exists(saved)) {
        Files.move(saved, dir);
      }
    }
  }
}
