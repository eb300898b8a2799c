package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The penguins example's documented branch (example-repos/penguins/README.md) in a real git
 * repository: main's data extract leaves out the penguins of Torgersen island; the pull request's
 * extract is the whole file, so 'island' gains a category the baseline never saw. The data gate
 * FAILs it (schema.unseen_categories, the category named) while the model rules pass.
 */
class PenguinsDataGateTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aNewCategory_failsTheDataGate_whileTheModelRulesPass() throws Exception {
    Path example = Path.of(System.getProperty("mlci.examples"), "penguins");
    String yaml = Files.readString(example.resolve("ml.yaml"), StandardCharsets.UTF_8);
    List<String> rows =
        Files.readAllLines(example.resolve("data/penguins.csv"), StandardCharsets.UTF_8);
    List<String> withoutTorgersen = new ArrayList<>();
    for (String row : rows) {
      if (!row.contains(",Torgersen,")) {
        withoutTorgersen.add(row);
      }
    }
    assertThat(rows.size() - withoutTorgersen.size()).isEqualTo(52);

    GitFixture fixture = new GitFixture(tmp);
    GitFixture.Workdir main = fixture.clone("main-build");
    writeData(main, withoutTorgersen);
    main.commit("main's extract", yaml, false);
    main.push("main");
    CliRun run = main.mlci("run", "--target", "main");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    CliRun record = main.mlci("baseline record", "--push");
    assertThat(record.exit()).as(record.err()).isZero();

    GitFixture.Workdir w = fixture.clone("new-island");
    w.branch("new-island");
    writeData(w, rows);
    w.commit("the extract includes Torgersen island", yaml, false);
    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode g = JSON.readTree(w.gateJson());
    assertThat(g.path("verdict").asString()).isEqualTo("FAIL");
    for (JsonNode rule : g.path("rules")) {
      assertThat(rule.path("verdict").asString()).as(rule.toString()).isEqualTo("PASS");
    }
    List<String> failed = new ArrayList<>();
    String reasons = "";
    for (JsonNode x : g.path("data").path("rules")) {
      if (x.path("verdict").asString().equals("FAIL")) {
        failed.add(x.path("id").asString());
        reasons += x.path("reasons").toString();
      }
    }
    assertThat(failed).contains("schema.unseen_categories");
    assertThat(reasons).contains("island").contains("'Torgersen'");
    assertThat(Files.readString(w.dir.resolve("mlci-out/gate/gate.md")))
        .contains("Data: **FAIL**")
        .contains("schema.unseen_categories");
  }

  private static void writeData(GitFixture.Workdir w, List<String> rows) throws Exception {
    Path data = w.dir.resolve("data/penguins.csv");
    Files.createDirectories(data.getParent());
    Files.write(data, rows, StandardCharsets.UTF_8);
    Files.writeString(w.dir.resolve(".gitignore"), "mlci-out/\n", StandardCharsets.UTF_8);
  }
}
