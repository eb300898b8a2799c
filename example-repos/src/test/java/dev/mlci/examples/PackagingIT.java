package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI (issue 20): the runnable jar is the module's attached {@code -all} classifier
 * artifact (what a Maven repository publishes for Jenkins), under 100 MB because it carries no
 * PyTorch (fetched for mlp on first use) and ONNX Runtime's libraries for linux-x64 only.
 */
class PackagingIT {
  private static final Path JAR = Path.of(System.getProperty("mlci.jar"));

  @Test
  void theRunnableJar_isTheAttachedAllArtifact() throws Exception {
    try (var files = Files.list(JAR.getParent())) {
      List<Path> all = files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).toList();
      assertThat(all).singleElement();
      assertThat(Files.mismatch(all.get(0), JAR)).isEqualTo(-1L);
    }
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.mlci.cli.Main");
    }
  }

  @Test
  void theDefaultJar_isUnder100MB_withNoPyTorch() throws Exception {
    long size = Files.size(JAR);
    System.out.printf("mlci.jar: %.1f MB%n", size / 1e6);
    assertThat(size).isLessThan(100_000_000L);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> names = jar.stream().map(ZipEntry::getName).toList();
      assertThat(names).noneMatch(n -> n.startsWith("pytorch/"));
      assertThat(names).noneMatch(n -> n.equals("native/lib/pytorch.properties"));
      assertThat(names)
          .filteredOn(n -> n.startsWith("ai/onnxruntime/native/") && !n.endsWith("/"))
          .isNotEmpty()
          .allMatch(n -> n.startsWith("ai/onnxruntime/native/linux-x64/"));
      assertThat(names).contains("jnilib/linux-x86_64/cpu/libdjl_torch.so");
    }
  }
}
