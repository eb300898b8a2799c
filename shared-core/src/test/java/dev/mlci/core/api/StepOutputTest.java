package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.ExitCode;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.io.AtomicDirectory;
import dev.mlci.core.io.Json;
import dev.mlci.core.progress.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The one skeleton of every step, on real directories. */
class StepOutputTest {
  @TempDir Path tmp;

  private final StepContext context =
      StepContext.of(
          ProgressListener.NONE,
          Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC),
          Map.of());

  private Workspace workspace() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    return new Workspace(repo, repo.resolve("ml.yaml"), repo.resolve("mlci-out"));
  }

  @Test
  void write_stagesTheDirectoryWithRunJson_andSwapsItIn() throws Exception {
    Workspace ws = workspace();
    StepOutput output = StepOutput.claim(context, "evaluate", ws, Workspace.EVAL_DIR);

    output.write(
        ws.evalDir(),
        "the evaluation",
        dir -> Files.writeString(dir.resolve("metrics.json"), "{}"),
        info -> info.put("extra", 1));

    assertThat(ws.evalDir().resolve("metrics.json")).hasContent("{}");
    JsonNode run = Json.read(ws.evalDir().resolve(StepOutput.RUN_INFO));
    assertThat(run.path("step").asString()).isEqualTo("evaluate");
    assertThat(run.path("started").asString()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(run.path("millis").asLong()).isZero();
    assertThat(run.path("extra").asInt()).isEqualTo(1);
  }

  @Test
  void write_thatFailsPartWay_leavesThePreviousResult() throws Exception {
    Workspace ws = workspace();
    StepOutput.claim(context, "evaluate", ws, Workspace.EVAL_DIR)
        .write(ws.evalDir(), dir -> Files.writeString(dir.resolve("metrics.json"), "old"));

    StepOutput second = StepOutput.claim(context, "evaluate", ws, Workspace.EVAL_DIR);
    assertThatThrownBy(
            () ->
                second.write(
                    ws.evalDir(),
                    "the evaluation",
                    dir -> {
                      Files.writeString(dir.resolve("metrics.json"), "new");
                      throw new AccessDeniedException(dir.resolve("report.md").toString());
                    }))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("cannot write the evaluation to")
        .hasMessageContaining("permission denied");
    assertThat(ws.evalDir().resolve("metrics.json")).hasContent("old");
  }

  @Test
  void claim_ofAFolderMlciDidNotWrite_isTheUsersError() throws Exception {
    Workspace ws = workspace();
    Files.createDirectories(ws.evalDir());
    Files.writeString(ws.evalDir().resolve("mine.txt"), "x");

    assertThatThrownBy(() -> StepOutput.claim(context, "evaluate", ws, Workspace.EVAL_DIR))
        .isInstanceOfSatisfying(
            BadInputException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
        .hasMessageContaining("was not written by mlci");
  }

  @Test
  void claim_ofATrackedStep_alsoClaimsTheRunRecord() throws Exception {
    Workspace ws = workspace();
    Files.createDirectories(ws.out().resolve("mlruns"));

    assertThatThrownBy(() -> StepOutput.claim(context, "train", ws, Workspace.MODEL_DIR))
        .isInstanceOf(BadInputException.class);
    assertThat(StepOutput.claimUntracked(context, "containerize", ws, Workspace.IMAGE_DIR))
        .isNotNull();
  }

  @Test
  void failure_mapsEachKindToItsExitCode() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("foreign"));
    IOException foreign;
    try {
      AtomicDirectory.write(dir, ".mlci", d -> {});
      throw new AssertionError("a folder without the marker must be refused");
    } catch (AtomicDirectory.ForeignDirectoryException e) {
      foreign = e;
    }
    BadInputException bad = new BadInputException("bad");

    assertThat(StepOutput.failure("write x", foreign).exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(StepOutput.failure("write x", bad)).isSameAs(bad);
    assertThat(StepOutput.failure("write x", new IOException("disk full")))
        .isInstanceOf(EnvironmentException.class)
        .hasMessage("cannot write x: disk full");
    assertThat(
            StepOutput.failure("write x", new UncheckedIOException(new IOException("gone")))
                .exitCode())
        .isEqualTo(ExitCode.INTERNAL_ERROR);
    assertThat(StepOutput.failure("train on", new OutOfMemoryError()).getMessage())
        .contains("not enough memory to train on");
    assertThatThrownBy(() -> StepOutput.failure("x", new IllegalStateException("a bug")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void step_runsOnce() throws Exception {
    Workspace ws = workspace();
    Files.writeString(ws.config(), "irrelevant");
    ListRunsStep runs = new ListRunsStep(ws);

    assertThat(runs.call()).isEmpty();
    assertThatThrownBy(runs::call)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runs once");
  }

  @Test
  void aStep_runsOnce_evenWhenItFailed() throws Exception {
    Workspace ws = workspace();
    Files.createDirectories(ws.repository().resolve("data"));
    Files.writeString(ws.repository().resolve("data/d.csv"), "a,y\n1,p\n2,n\n3,p\n4,n\n");
    Files.writeString(
        ws.config(),
        "name: once\ntask: classification\ndata:\n  path: data/d.csv\n  target: y\nmodel:\n  trainer: logistic\n");
    EvaluateStep evaluate = new EvaluateStep(context, Mlci.plan(ws));

    assertThatThrownBy(evaluate::call).isInstanceOf(MlciException.class); // no model yet
    assertThatThrownBy(evaluate::call)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("EvaluateStep runs once and has run; create a new one");
  }
}
