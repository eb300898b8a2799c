package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gate.md's charts parse with Mermaid's own parser (mermaid 11.17.2 under Node, pinned in {@code
 * .ci/mermaid}), the library GitHub renders {@code ```mermaid} blocks with. Needs {@code
 * MLCI_MERMAID} (the folder with {@code parse.mjs} and its {@code node_modules}, set by .ci/run);
 * skips with a message without it, unless {@code MLCI_REQUIRE_MERMAID} is set (CI), then fails.
 */
class GateMermaidTest {
  @TempDir Path tmp;

  private static Optional<Path> parser() {
    String dir = System.getenv("MLCI_MERMAID");
    Path script = dir == null ? null : Path.of(dir, "parse.mjs");
    boolean ok =
        script != null
            && Files.isRegularFile(script)
            && Files.isDirectory(script.resolveSibling("node_modules").resolve("mermaid"));
    if (!ok) {
      String why =
          "GateMermaidTest skipped: set MLCI_MERMAID to a folder with parse.mjs and node_modules"
              + " (npm ci --prefix .ci/mermaid; export MLCI_MERMAID=$PWD/.ci/mermaid)";
      if (System.getenv("MLCI_REQUIRE_MERMAID") != null) {
        throw new AssertionError(
            why.replace("skipped", "cannot run") + ", MLCI_REQUIRE_MERMAID is set");
      }
      System.out.println(why);
      Assumptions.abort(why);
    }
    return Optional.of(script);
  }

  private record Parsed(int exit, String out) {}

  private Parsed parse(Path script, String markdown) throws IOException, InterruptedException {
    Path md = Files.writeString(tmp.resolve("gate.md"), markdown, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder("node", script.toString(), md.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
    return new Parsed(p.exitValue(), out);
  }

  @Test
  void render_everyChartParsesWithMermaid() throws Exception {
    Path script = parser().orElseThrow();
    GateReportContext ctx = GateReportsAgreeTest.degradedContext();
    String md =
        GateMarkdown.render(
            GateView.of(GateReportsAgreeTest.evaluate(ctx, GateConfig.Inconclusive.WARN), ctx));

    Parsed parsed = parse(script, md);

    // Three improvement charts (accuracy, log_loss, roc_auc) and accuracy vs the majority class.
    assertThat(parsed.out()).as(parsed.out()).contains("4 blocks 0 failed");
    assertThat(parsed.exit()).isZero();
    assertThat(parsed.out()).contains("\"plotColorPalette\":\"" + GateMarkdown.PALETTE + "\"");
    assertThat(parsed.out()).contains("\"showLegend\":true");
  }

  @Test
  void parser_rejectsWhatGitHubCouldNotDraw() throws Exception {
    Path script = parser().orElseThrow();

    // Mermaid's number grammar has no exponent: why charts write plain decimals.
    Parsed parsed = parse(script, "```mermaid\nxychart-beta\n  line \"a\" [1e-5, 2]\n```\n");

    assertThat(parsed.exit()).isEqualTo(1);
    assertThat(parsed.out()).contains("1 blocks 1 failed");
    assertThat(List.of(parsed.out().split("\n"))).anyMatch(l -> l.startsWith("FAIL"));
  }
}
