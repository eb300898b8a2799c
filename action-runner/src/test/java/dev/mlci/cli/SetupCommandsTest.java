package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlci base-image} and {@code mlci init} on input they refuse: exit 2, the fix named. */
class SetupCommandsTest {
  @TempDir Path tmp;

  @Test
  void baseImage_toADockerDaemon_isRefusedBeforeAnythingIsBuilt() {
    CliRun r = CliRun.of("base-image", "--target", "docker://mlci/base:17");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("names a Docker daemon")
        .contains("--target tar://PATH")
        .contains("--target registry://HOST/REPO:TAG")
        .doesNotContain("Exception");
  }

  @Test
  void baseImage_withoutAScheme_saysWhereImagesGo() {
    CliRun r = CliRun.of("base-image", "--target", "base.tar");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not say where the image goes");
  }

  @Test
  void init_withoutATargetAndNoTerminal_listsTheColumns() throws Exception {
    Files.writeString(tmp.resolve("d.csv"), "a,b,label\n1,2,x\n3,4,y\n");

    CliRun r = CliRun.of("init", tmp.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--target COLUMN, one of: a, b, label");
    assertThat(tmp.resolve("ml.yaml")).doesNotExist();
  }

  @Test
  void init_writesTheFilesAndSaysSo() throws Exception {
    Files.writeString(tmp.resolve("d.csv"), "a,b,label\n1,2,x\n3,4,y\n5,6,x\n");

    CliRun r = CliRun.of("init", tmp.toString(), "--target", "label");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("classification of 'label'")
        .contains("wrote ml.yaml")
        .contains("wrote .github/workflows/ml-main.yml")
        .contains("wrote .gitignore")
        .contains("is not the root of a git repository");
  }
}
