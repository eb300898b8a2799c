package dev.mlci.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineNoteTest {
  static final byte[] GZIP_A = {0x1f, (byte) 0x8b, 8, 0, 'a'};
  static final byte[] GZIP_B = {0x1f, (byte) 0x8b, 8, 0, 'b'};

  static String nameOf(byte[] bundle) {
    return bundle[4] == 'a' ? "model-a" : "model-b";
  }

  @Test
  void legacyNote_isReadAsTheOneModelItNames() throws IOException {
    BaselineNote note = BaselineNote.parse(GZIP_A, BaselineNoteTest::nameOf);
    assertThat(note.legacy()).isTrue();
    assertThat(note.models()).containsOnlyKeys("model-a");
  }

  @Test
  void with_keepsTheOtherModels_andEncodingRoundTrips() throws IOException {
    BaselineNote note =
        BaselineNote.parse(GZIP_A, BaselineNoteTest::nameOf).with("model-b", GZIP_B);
    BaselineNote back = BaselineNote.parse(note.encode(), BaselineNoteTest::nameOf);
    assertThat(back.legacy()).isFalse();
    assertThat(back.bundle("model-a")).hasValue(GZIP_A);
    assertThat(back.bundle("model-b")).hasValue(GZIP_B);
    assertThat(new String(note.encode(), StandardCharsets.UTF_8))
        .startsWith("{\"schema\":\"mlci.baselines/v1\"");
  }

  @Test
  void merge_unitesModels_oursWinningTheSameModel() {
    BaselineNote ours = new BaselineNote(Map.of("model-a", GZIP_A), false);
    BaselineNote theirs = new BaselineNote(Map.of("model-a", GZIP_B, "model-b", GZIP_B), false);
    BaselineNote merged = BaselineNote.merge(ours, theirs);
    assertThat(merged.models()).containsOnlyKeys("model-a", "model-b");
    assertThat(merged.bundle("model-a")).hasValue(GZIP_A);
  }

  @Test
  void garbage_isAnIOExceptionSayingWhat() {
    assertThatThrownBy(() -> BaselineNote.parse("hello".getBytes(), BaselineNoteTest::nameOf))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("neither an mlci bundle nor");
    assertThatThrownBy(
            () ->
                BaselineNote.parse(
                    "{\"schema\":\"mlci.baselines/v1\",\"models\":{\"a\":\"%%%\"}}".getBytes(),
                    BaselineNoteTest::nameOf))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not valid base64");
  }
}
