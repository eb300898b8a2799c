package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final AtomicLong clock = new AtomicLong();
  private final StringWriter text = new StringWriter();

  private Progress progress(boolean bar) {
    return new Progress(
        new PrintWriter(text, true),
        bar ? Progress.Style.BAR : Progress.Style.PLAIN,
        false,
        clock::get);
  }

  @Test
  void plain_longTask_printsTenthsWithEta() {
    Progress p = progress(false);
    p.start("training logistic", 1000, "iterations");
    for (int i = 1; i <= 1000; i++) {
      clock.addAndGet(10_000_000L); // 10 ms per iteration: a 10 s task
      p.advance(i);
    }
    p.finish();

    String[] lines = text.toString().split("\n");
    assertThat(lines[0]).isEqualTo("training logistic (1000 iterations) ...");
    assertThat(text.toString()).contains(" 50% 500/1000 iterations, ETA 5.0s (5.0s)");
    assertThat(lines[lines.length - 1]).isEqualTo("training logistic: done in 10.0s");
    assertThat(lines.length).isBetween(8, 12);
  }

  @Test
  void plain_fastTask_printsOnlyStartAndEnd() {
    Progress p = progress(false);
    p.start("training logistic", 1000, "iterations");
    for (int i = 1; i <= 1000; i++) {
      clock.addAndGet(100_000L);
      p.advance(i);
    }
    p.finish();

    assertThat(text.toString().split("\n")).hasSize(2);
  }

  @Test
  void plain_showsTheLatestLossesAndWhereTrainingStopped() {
    Progress p = progress(false);
    p.start("training mlp", 100, "epochs");
    for (int epoch = 1; epoch <= 15; epoch++) {
      clock.addAndGet(1_000_000_000L);
      p.metric("training_loss", epoch, 1.0 / epoch);
      p.metric("validation_loss", epoch, 2.0 / epoch);
      p.advance(epoch);
    }
    p.finish();

    assertThat(text.toString())
        .contains(
            "training mlp  10% 10/100 epochs, ETA 1m30s, training_loss 0.1000, validation_loss"
                + " 0.2000 (10.0s)")
        .endsWith(
            "training mlp: done in 15.0s (training_loss 0.06667, validation_loss 0.1333 after 15"
                + " epochs)\n");
  }

  @Test
  void bar_redrawsOneLine() {
    Progress p = progress(true);
    p.start("training", 10, "trees");
    clock.addAndGet(1_000_000_000L);
    p.advance(5);
    p.finish();

    assertThat(text.toString())
        .contains("\rtraining [###############               ]  50% 5/10 trees");
    assertThat(text.toString()).doesNotContain("\n\r");
  }

  @Test
  void unknownTotal_showsElapsedTime() {
    Progress p = progress(false);
    p.start("training xgboost", -1, "");
    clock.addAndGet(3_000_000_000L);

    assertThat(p.line(clock.get())).isEqualTo("training xgboost elapsed  (3.0s)");
  }

  @Test
  void readingRows_showsTheRateAndTimeLeft() {
    Progress p = progress(false);
    p.start("reading data/big.csv", 1_000_000, "rows");
    clock.addAndGet(2_000_000_000L);

    p.advance(400_000);

    assertThat(p.line(clock.get()))
        .isEqualTo("reading data/big.csv  40% 400000/1000000 rows, 200000 rows/s, ETA 3.0s (2.0s)");
  }
}
