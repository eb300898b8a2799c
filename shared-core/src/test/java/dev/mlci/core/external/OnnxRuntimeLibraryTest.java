package dev.mlci.core.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's native libraries unpacked into the cache: byte for byte the jar's, reused while
 * intact, replaced when damaged.
 */
class OnnxRuntimeLibraryTest {
  @TempDir Path cache;

  private static final String LIB = System.mapLibraryName("onnxruntime");

  @Test
  void unpacksOnce_andReplacesADamagedCopy() throws Exception {
    Optional<Path> dir = OnnxRuntimeLibrary.unpack(cache);
    Assumptions.assumeTrue(
        dir.isPresent(), "SKIPPED: this platform's ONNX Runtime jar holds no native libraries");
    Path lib = dir.get().resolve(LIB);
    String resource = null;
    for (String p : new String[] {"linux-x64", "linux-aarch64", "osx-x64", "osx-aarch64"}) {
      if (getClass().getResource("/ai/onnxruntime/native/" + p + "/" + LIB) != null
          && dir.get().getFileName().toString().startsWith("onnxruntime-" + p + "-")) {
        resource = "/ai/onnxruntime/native/" + p + "/" + LIB;
      }
    }
    assertThat(resource).isNotNull();
    byte[] jar;
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      jar = in.readAllBytes();
    }
    assertThat(Files.readAllBytes(lib)).isEqualTo(jar);
    assertThat(dir.get().resolve(System.mapLibraryName("onnxruntime4j_jni"))).isRegularFile();

    // Intact: used as it is, not written again.
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(lib, old);
    assertThat(OnnxRuntimeLibrary.unpack(cache)).isEqualTo(dir);
    assertThat(Files.getLastModifiedTime(lib)).isEqualTo(old);

    // One byte altered (same size): replaced by the jar's.
    byte[] damaged = jar.clone();
    damaged[damaged.length / 2] ^= 1;
    Files.write(lib, damaged);
    assertThat(OnnxRuntimeLibrary.unpack(cache)).isEqualTo(dir);
    assertThat(Files.readAllBytes(lib)).isEqualTo(jar);

    // Truncated: replaced too; no staging folder is left behind.
    Files.write(lib, new byte[10]);
    assertThat(OnnxRuntimeLibrary.unpack(cache)).isEqualTo(dir);
    assertThat(Files.size(lib)).isEqualTo(jar.length);
    try (var files = Files.list(cache)) {
      assertThat(files).containsExactly(dir.get());
    }
  }

  @Test
  void aCopyOthersMayWrite_isNotTrusted() throws Exception {
    Optional<Path> dir = OnnxRuntimeLibrary.unpack(cache);
    Assumptions.assumeTrue(
        dir.isPresent(), "SKIPPED: this platform's ONNX Runtime jar holds no native libraries");
    Assumptions.assumeTrue(
        Files.getFileStore(cache).supportsFileAttributeView("posix"), "SKIPPED: no POSIX files");
    assertThat(OnnxRuntimeLibrary.privateTo(dir.get())).isTrue();
    Path lib = dir.get().resolve(LIB);
    Set<PosixFilePermission> open = new HashSet<>(Files.getPosixFilePermissions(lib));
    open.add(PosixFilePermission.OTHERS_WRITE);
    Files.setPosixFilePermissions(lib, open);
    assertThat(OnnxRuntimeLibrary.privateTo(lib)).isFalse();
    // Unpacked again, into a folder of this user's that nobody else may write.
    assertThat(OnnxRuntimeLibrary.unpack(cache)).isEqualTo(dir);
    assertThat(Files.getPosixFilePermissions(lib)).doesNotContain(PosixFilePermission.OTHERS_WRITE);
    assertThat(Files.getPosixFilePermissions(dir.get()))
        .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void unwritableCache_leavesOnnxRuntimeToItsOwnLoading() throws Exception {
    Path file = Files.writeString(cache.resolve("not-a-folder"), "x");
    assertThat(OnnxRuntimeLibrary.unpack(file.resolve("mlci"))).isEmpty();
  }
}
