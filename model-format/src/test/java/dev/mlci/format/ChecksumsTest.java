package dev.mlci.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checksum file covers the whole model directory: nothing altered, added or left out. */
class ChecksumsTest {
  @TempDir Path dir;

  @BeforeEach
  void writeModel() throws Exception {
    Files.writeString(dir.resolve(ModelFormat.FEATURES), "{}");
    Files.writeString(dir.resolve(ModelFormat.SERVING), "{}");
    Files.write(dir.resolve(ModelFormat.ONNX_MODEL), new byte[] {1, 2, 3});
    Files.writeString(dir.resolve(ModelFormat.RUN_INFO), "{\"started\": 1}");
    Checksums.write(dir);
  }

  private void dropLine(String file) throws Exception {
    Path sums = dir.resolve(ModelFormat.CHECKSUMS);
    List<String> lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
    assertThat(lines.removeIf(l -> l.endsWith("  " + file))).isTrue();
    Files.write(sums, lines, StandardCharsets.UTF_8);
  }

  @Test
  void verify_intactModel_noProblems() throws Exception {
    assertThat(Checksums.verify(dir)).isEmpty();
    assertThat(Checksums.files(dir)).doesNotContain(ModelFormat.RUN_INFO);
  }

  @Test
  void verify_alteredFileWhoseLineWasRemoved_isRefused() throws Exception {
    Files.write(dir.resolve(ModelFormat.ONNX_MODEL), new byte[] {1, 2, 4});
    dropLine(ModelFormat.ONNX_MODEL);
    assertThat(Checksums.verify(dir))
        .singleElement()
        .asString()
        .contains("model.onnx is not listed in checksums.sha256");
  }

  @Test
  void verify_fileAddedAfterTraining_isRefused() throws Exception {
    Files.createDirectories(dir.resolve("extra"));
    Files.writeString(dir.resolve("extra/hook.py"), "import os");
    assertThat(Checksums.verify(dir))
        .singleElement()
        .asString()
        .contains("extra/hook.py is not listed");
  }

  @Test
  void verify_checksumFileWithoutTheRequiredFiles_doesNotCoverTheModel() throws Exception {
    Files.delete(dir.resolve(ModelFormat.SERVING));
    dropLine(ModelFormat.SERVING);
    assertThat(Checksums.verify(dir))
        .singleElement()
        .asString()
        .contains("does not list serving.json");
  }

  @Test
  void verify_listedFileReplacedByALink_isRefused() throws Exception {
    Path outside = Files.createTempFile("model", ".onnx");
    Files.write(outside, new byte[] {1, 2, 3});
    Files.delete(dir.resolve(ModelFormat.ONNX_MODEL));
    Files.createSymbolicLink(dir.resolve(ModelFormat.ONNX_MODEL), outside);
    assertThat(Checksums.verify(dir))
        .anySatisfy(p -> assertThat(p).contains("model.onnx is missing (or not a regular file"));
    Files.delete(outside);
  }

  @Test
  void verify_lineListedTwice_isRefused() throws Exception {
    Path sums = dir.resolve(ModelFormat.CHECKSUMS);
    List<String> lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
    lines.add(lines.get(0));
    Files.write(sums, lines, StandardCharsets.UTF_8);
    assertThat(Checksums.verify(dir)).singleElement().asString().contains("listed twice");
  }
}
