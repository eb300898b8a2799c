package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The data gate through the CLI on real git repositories: main records a baseline (its bundle, and
 * so the git note, holds the data profile); a branch whose data extract drops a tenth of the rows
 * passes the data gate; a branch whose extract shifts a feature fails it with the column named,
 * while the model rules alone pass (the standardized logistic model scores the shifted rows exactly
 * as before).
 */
class DataGateGitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SHIFTED = "mean texture";

  @TempDir Path tmp;
  GitFixture fixture;
  GitFixture.Workdir main;

  @BeforeEach
  void mainWithARecordedBaseline() throws Exception {
    fixture = new GitFixture(tmp);
    main = fixture.clone("main-build");
    main.commit("baseline model", GitFixture.config(GitFixture.BASE_FEATURES, ""));
    main.push("main");
    CliRun run = main.mlci("run", "--target", "main");
    assertThat(run.exit()).as(run.err()).isZero();
    CliRun record = main.mlci("baseline record", "--push");
    assertThat(record.exit()).as(record.err()).isZero();
  }

  /** A branch whose data file is rewritten by {@code edit} (row by row; null drops the row). */
  private GitFixture.Workdir dataBranch(String name, RowEdit edit) throws Exception {
    return dataBranch(name, edit, "");
  }

  /** As above, with {@code extra} appended to ml.yaml. */
  private GitFixture.Workdir dataBranch(String name, RowEdit edit, String extra) throws Exception {
    GitFixture.Workdir w = fixture.clone(name);
    w.branch(name);
    Path data = w.dir.resolve("data/breast_cancer.csv");
    List<CSVRecord> rows;
    List<String> header;
    try (var parser =
        CSVFormat.DEFAULT.builder().setHeader().get().parse(Files.newBufferedReader(data))) {
      header = parser.getHeaderNames();
      rows = parser.getRecords();
    }
    StringBuilder out = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT)) {
      p.printRecord(header);
      int i = 0;
      for (CSVRecord r : rows) {
        List<String> values = new ArrayList<>(r.toList());
        if (edit.apply(i++, header, values)) {
          p.printRecord(values);
        }
      }
    }
    Files.writeString(data, out.toString(), StandardCharsets.UTF_8);
    w.commit(name, GitFixture.config(GitFixture.BASE_FEATURES, extra));
    return w;
  }

  interface RowEdit {
    boolean apply(int index, List<String> header, List<String> values);
  }

  private static JsonNode gate(GitFixture.Workdir w) throws Exception {
    return JSON.readTree(w.gateJson());
  }

  @Test
  void aResampleOfTheSameData_passesTheDataGate() throws Exception {
    GitFixture.Workdir w = dataBranch("fewer-rows", (i, h, v) -> i % 10 != 3);

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode data = gate(w).path("data");
    assertThat(data.path("ran").asBoolean()).isTrue();
    assertThat(data.path("verdict").asString()).isEqualTo("PASS");
    // 5 features and the label on each split, the schema rules, the dataset rules.
    assertThat(data.path("rules").size()).isEqualTo(3 + 2 * 6 + 2);
  }

  @Test
  void aShiftedColumn_failsTheDataGate_whileTheModelRulesPass() throws Exception {
    GitFixture.Workdir w =
        dataBranch(
            "shifted-texture",
            (i, h, v) -> {
              int c = h.indexOf(SHIFTED);
              v.set(c, String.format(Locale.ROOT, "%.2f", Double.parseDouble(v.get(c)) + 6));
              return true;
            });

    CliRun r = w.mlci("run", "--target", "main");

    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode g = gate(w);
    assertThat(g.path("verdict").asString()).isEqualTo("FAIL");
    for (JsonNode rule : g.path("rules")) {
      assertThat(rule.path("verdict").asString()).as(rule.toString()).isEqualTo("PASS");
    }
    List<String> failed = new ArrayList<>();
    g.path("data")
        .path("rules")
        .forEach(
            x -> {
              if (x.path("verdict").asString().equals("FAIL")) {
                failed.add(x.path("id").asString());
              }
            });
    assertThat(failed).containsExactly("drift.train." + SHIFTED, "drift.test." + SHIFTED);
    String md = Files.readString(w.dir.resolve("mlci-out/gate/gate.md"));
    assertThat(md)
        .contains("Data: **FAIL**")
        .contains("| drift train " + SHIFTED + " (normed_wasserstein) |")
        .contains("the data gate found 2 data rules failing");
    assertThat(Files.readString(w.dir.resolve("mlci-out/gate/gate-junit.xml")))
        .contains("classname=\"mlci.gate.breast-cancer.data\" name=\"drift train " + SHIFTED);
    assertThat(Files.readString(w.dir.resolve("mlci-out/gate/gate.html")))
        .contains("<h2>Data: <span class=\"FAIL\">FAIL</span></h2>")
        .contains("<title>drift train " + SHIFTED);
    assertThat(r.out()).contains("data FAIL (2 failed)");
  }

  @Test
  void theGitHubAction_annotatesTheMlYamlLineOfEachFailingDataRule() throws Exception {
    GitFixture.Workdir w =
        dataBranch(
            "shifted-texture-action",
            (i, h, v) -> {
              int c = h.indexOf(SHIFTED);
              v.set(c, String.format(Locale.ROOT, "%.2f", Double.parseDouble(v.get(c)) + 6));
              return true;
            },
            "  data_rules:\n    wasserstein: 0.1\n");
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("INPUT_COMMAND", "run");
    env.put("INPUT_WORKING_DIRECTORY", w.dir.toString());
    env.put("INPUT_TARGET_BRANCH", "main");
    env.put("INPUT_COMMENT", "false");
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_WORKSPACE", w.dir.toString());
    java.io.StringWriter out = new java.io.StringWriter();
    int exit =
        dev.mlci.cli.github.GitHubActionCommand.execute(
            env,
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(new java.io.StringWriter(), true));

    assertThat(exit).as(out.toString()).isEqualTo(1);
    List<String> yaml = Files.readAllLines(w.dir.resolve("ml.yaml"));
    int line = yaml.indexOf("    wasserstein: 0.1") + 1;
    assertThat(line).isPositive();
    for (String split : List.of("train", "test")) {
      assertThat(out.toString())
          .contains(
              "::error file=ml.yaml,line="
                  + line
                  + ",title=mlci data gate%3A drift "
                  + split
                  + " "
                  + SHIFTED
                  + " (normed_wasserstein) FAIL::drift "
                  + split
                  + " "
                  + SHIFTED
                  + " (normed_wasserstein): normed Wasserstein distance ");
    }
    // Only the failing data rules: no annotation for a column that did not move.
    assertThat(out.toString()).doesNotContain("data gate%3A drift train mean radius");
  }
}
