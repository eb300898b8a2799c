package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code --baseline} chooses the source; the rest of the sources run in the CLI's git tests. */
class BaselineSourceTest {
  @Test
  void of_withoutAnOption_readsTheNotes() throws Exception {
    assertThat(BaselineSource.of(Optional.empty())).isInstanceOf(BaselineSource.Notes.class);
  }

  @Test
  void of_rebuild_rebuilds() throws Exception {
    assertThat(BaselineSource.of(Optional.of("rebuild")))
        .isInstanceOf(BaselineSource.Rebuild.class);
  }

  @Test
  void of_aRegistryReference_readsTheRegistry() throws Exception {
    BaselineSource s = BaselineSource.of(Optional.of("models:/churn@champion"));

    assertThat(s)
        .isEqualTo(
            new BaselineSource.Registry(
                new RegistryRef("churn", Optional.of("champion"), Optional.empty())));
    assertThat(BaselineSource.of(Optional.of("models:/churn/3")))
        .isEqualTo(
            new BaselineSource.Registry(
                new RegistryRef("churn", Optional.empty(), Optional.of("3"))));
  }

  @Test
  void of_aRegistryReferenceWithoutAVersion_isRefused() {
    assertThatThrownBy(() -> BaselineSource.of(Optional.of("models:/churn")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("names no model version");
  }

  @Test
  void of_anythingElse_isABundleFile() throws Exception {
    assertThat(BaselineSource.of(Optional.of("main/evaluation.mlci.gz")))
        .isEqualTo(new BaselineSource.File(Path.of("main/evaluation.mlci.gz")));
  }
}
