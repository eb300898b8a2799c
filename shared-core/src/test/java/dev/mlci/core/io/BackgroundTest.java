package dev.mlci.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Problem;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Work on a thread of its own: its value, or what it threw, read as if done in place. */
class BackgroundTest {
  @Test
  void theValueIsTheWorks_computedOnAThreadOfItsOwn() throws Exception {
    Background<String> b =
        Background.start("mlci-test", "testing", () -> Thread.currentThread().getName());
    assertThat(b.join()).isEqualTo("mlci-test");
  }

  @Test
  void whatTheWorkThrew_isThrownAsThrown() {
    BadInputException bad = new BadInputException(Problem.in("ml.yaml", "name", "bad.", "fix it."));
    assertThatThrownBy(
            () ->
                Background.start(
                        "t",
                        "testing",
                        () -> {
                          throw bad;
                        })
                    .join())
        .isSameAs(bad);
    IllegalStateException ise = new IllegalStateException("broken");
    assertThatThrownBy(
            () ->
                Background.start(
                        "t",
                        "testing",
                        () -> {
                          throw ise;
                        })
                    .join())
        .isSameAs(ise);
    StackOverflowError soe = new StackOverflowError();
    assertThatThrownBy(
            () ->
                Background.start(
                        "t",
                        "testing",
                        () -> {
                          throw soe;
                        })
                    .join())
        .isSameAs(soe);
    assertThatThrownBy(
            () ->
                Background.start(
                        "t",
                        "reading the file",
                        () -> {
                          throw new IOException("disk gone");
                        })
                    .join())
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("reading the file failed")
        .hasMessageContaining("disk gone");
  }

  @Test
  void anInterruptWhileWaiting_isAnEnvironmentProblemAndKeepsTheInterrupt() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Background<Boolean> b =
        Background.start(
            "t",
            "computing the data gate",
            () -> never.await(10, java.util.concurrent.TimeUnit.SECONDS));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(b::join)
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("interrupted while computing the data gate");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
      never.countDown();
    }
  }
}
