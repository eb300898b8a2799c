package dev.mlci.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Problem;
import java.io.IOException;
import java.util.List;
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
    IllegalStateException ise = new IllegalStateException("broken");
    StackOverflowError soe = new StackOverflowError();
    for (Throwable thrown : List.of(bad, ise, soe)) {
      assertThatThrownBy(() -> throwing(thrown).join()).isSameAs(thrown);
    }
    assertThatThrownBy(() -> throwing(new IOException("disk gone")).join())
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("reading the file failed")
        .hasMessageContaining("disk gone");
  }

  /** Work that throws {@code t}, as a Callable may: checked exceptions, runtime ones, errors. */
  private static Background<Object> throwing(Throwable t) {
    return Background.start(
        "t",
        "reading the file",
        () -> {
          if (t instanceof Exception e) {
            throw e;
          }
          throw (Error) t;
        });
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
