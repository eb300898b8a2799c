package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -q} prints one result line per step, and a gate also the rules that did not pass. */
class QuietTest {
  @TempDir Path tmp;

  @Test
  void quietSteps_printOneLineEach() throws Exception {
    SampleRepo repo = new SampleRepo(tmp.resolve("repo"));

    CliRun train = repo.run("train", "-q");
    CliRun evaluate = repo.run("evaluate", "-q");
    CliRun gate =
        repo.run(
            "gate",
            "-q",
            "--baseline",
            repo.dir.resolve("mlci-out/eval/evaluation.mlci.gz").toString(),
            "--no-fetch");

    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(train.out().lines()).singleElement().asString().startsWith("trained ");
    assertThat(train.out()).contains("mlci-out/model (digest ");
    assertThat(evaluate.exit()).as(evaluate.err()).isZero();
    assertThat(evaluate.out().lines())
        .singleElement()
        .asString()
        .startsWith("evaluated on ")
        .contains("accuracy ")
        .endsWith("mlci-out/eval)");
    assertThat(gate.exit()).as(gate.err()).isZero();
    // 13 test rows are too few to compare: the rule is INCONCLUSIVE, so quiet lists it.
    assertThat(gate.out().lines())
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).startsWith("mlci gate: INCONCLUSIVE"),
            l -> assertThat(l).startsWith("  INCONCLUSIVE  roc_auc"));
    assertThat(train.err() + evaluate.err() + gate.err()).doesNotContain("[");
  }
}
