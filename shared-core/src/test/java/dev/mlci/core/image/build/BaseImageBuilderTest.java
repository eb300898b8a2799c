package dev.mlci.core.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BaseImageBuilderTest {
  @Test
  void aVersionedSonameIsAnsweredByTheLibraryTheJarsCarry() {
    // ONNX Runtime's JNI library needs libonnxruntime.so.1; its jar carries libonnxruntime.so.
    Set<String> carried = Set.of("libonnxruntime.so", "libonnxruntime4j_jni.so", "libxgboost4j.so");
    assertThat(BaseImageBuilder.carries(carried, "libonnxruntime.so.1")).isTrue();
    assertThat(BaseImageBuilder.carries(carried, "libxgboost4j.so")).isTrue();
    // What the machine must provide is still reported.
    assertThat(BaseImageBuilder.carries(carried, "libgomp.so.1")).isFalse();
    assertThat(BaseImageBuilder.carries(carried, "libonnx.so.1")).isFalse();
  }

  @Test
  void onlyThisMachinesLinuxLibrariesAreAskedAbout() {
    assertThat(BaseImageBuilder.forThisMachine("ai/onnxruntime/native/linux-x64/libonnxruntime.so"))
        .isEqualTo(BaseImageBuilder.imageArchitecture().equals("amd64"));
    assertThat(
            BaseImageBuilder.forThisMachine("ai/onnxruntime/native/osx-x64/libonnxruntime.dylib"))
        .isFalse();
    assertThat(BaseImageBuilder.forThisMachine("lib/linux/x86_64/musl/libxgboost4j.so")).isFalse();
  }
}
