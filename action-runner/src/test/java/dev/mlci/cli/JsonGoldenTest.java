package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pins the {@code --json} output of every command, field by field and in order, with golden files
 * in {@code src/test/resources/golden}. What differs from run to run (temporary paths, times,
 * commits, digests, run ids) is replaced by a placeholder first; everything else, metrics included,
 * must match.
 *
 * <p>To regenerate after a deliberate change: {@code ./mvnw -B -o -q -pl action-runner -am test
 * -Dtest=JsonGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dmlci.golden.update=true}, then
 * review the diff of the golden files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JsonGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final Pattern SHA256 = Pattern.compile("\\b[0-9a-f]{64}\\b");
  private static final Pattern COMMIT = Pattern.compile("\\b[0-9a-f]{40}\\b");
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

  @TempDir static Path tmp;
  static GitFixture fixture;
  static GitFixture.Workdir main;
  static GitFixture.Workdir branch;
  static String realTmp;

  @BeforeAll
  static void repositories() throws Exception {
    realTmp = tmp.toRealPath().toString();
    fixture = new GitFixture(tmp);
    main = fixture.clone("main-build");
    main.commit("baseline model", GitFixture.config(GitFixture.BASE_FEATURES, ""));
    main.push("main");
  }

  @Test
  @Order(1)
  void train() throws Exception {
    golden("train", main.mlci("train", "--json"), 0);
  }

  @Test
  @Order(2)
  void evaluate() throws Exception {
    golden("evaluate", main.mlci("evaluate", "--json"), 0);
  }

  @Test
  @Order(3)
  void gate_withoutABaseline() throws Exception {
    golden("gate-no-baseline", main.mlci("gate", "--json", "--target", "main"), 0);
  }

  @Test
  @Order(4)
  void baselineRecord() throws Exception {
    golden("baseline-record", main.mlci("baseline record", "--json", "--push"), 0);
  }

  @Test
  @Order(5)
  void run_onABranchThatDegrades_failsTheGate() throws Exception {
    branch = fixture.clone("weak-features");
    branch.branch("weak-features");
    branch.commit("weak", GitFixture.config(GitFixture.WEAK_FEATURES, ""));
    golden("run-fail", branch.mlci("run", "--json", "--target", "main"), 1);
  }

  @Test
  @Order(6)
  void runs() throws Exception {
    // A run's params, metrics and tags are maps without an order of their own: compared sorted.
    // Its name and the tags that come from the CI's environment differ between machines.
    CliRun r = CliRun.of("runs", branch.dir.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    ArrayNode runs = (ArrayNode) JSON.readTree(r.out());
    for (JsonNode run : runs) {
      ObjectNode o = (ObjectNode) run;
      o.put("run_name", "<run-name>");
      for (String map : new String[] {"params", "metrics", "tags"}) {
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        run.path(map).properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        if (map.equals("tags")) {
          sorted.keySet().removeIf(k -> !k.startsWith("mlci.") || k.equals("mlci.ci"));
        }
        ObjectNode n = JSON.createObjectNode();
        sorted.forEach(n::set);
        o.set(map, n);
      }
    }
    golden("runs", runs.toString(), 0, 0);
  }

  @Test
  @Order(7)
  void error() throws Exception {
    golden(
        "error-no-evaluation",
        main.mlci("gate", "--json", "--out", tmp.resolve("empty-out").toString()),
        2);
  }

  /**
   * {@code containerize --no-verify} to a tarball, which needs neither a container engine nor a
   * registry: the image is built by Jib on a base image tarball made here (an empty image from
   * scratch, which nothing runs). Pins the {@code containerize} and {@code ship} objects, both
   * serialised from the engine's result records.
   */
  @Test
  @Order(8)
  void containerize_unverified_toATarball() throws Exception {
    Path base = tmp.resolve("base.tar");
    Jib.fromScratch()
        .containerize(
            Containerizer.to(TarImage.at(base).named("mlci-test/scratch-base"))
                .setBaseImageLayersCache(tmp.resolve("jib-cache/base"))
                .setApplicationLayersCache(tmp.resolve("jib-cache/app")));
    golden(
        "containerize-no-verify",
        main.mlci(
            "containerize",
            "--json",
            "--no-verify",
            "--base",
            "tar://" + base,
            "--target",
            "tar://" + tmp.resolve("image.tar")),
        0);
    assertThat(tmp.resolve("image.tar")).isNotEmptyFile();
  }

  private static void golden(String name, CliRun r, int exit) throws Exception {
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    golden(name, r.out(), exit, r.exit());
  }

  private static void golden(String name, String out, int exit, int actualExit) throws Exception {
    assertThat(actualExit).isEqualTo(exit);
    JsonNode actual = normalise(JSON.readTree(out));
    String text = actual.toPrettyString() + "\n";
    Path file = GOLDEN.resolve(name + ".json");
    if (Boolean.getBoolean("mlci.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }
    assertThat(text)
        .as("%s (regenerate with -Dmlci.golden.update=true after a deliberate change)", file)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The JSON with what differs between runs replaced by placeholders. */
  private static JsonNode normalise(JsonNode n) {
    if (n instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> fields = o.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String key = f.getKey();
        if (f.getValue().isNumber()
            && (key.equals("millis")
                || key.endsWith("_seconds")
                || key.equals("bytes")
                // The number of files in a layer changes with the server's dependencies.
                || key.equals("files")
                || key.equals("started")
                || key.equals("finished"))) {
          f.setValue(JSON.getNodeFactory().stringNode("<number>"));
        } else if (key.equals("run_id") || key.equals("mlflow.runName")) {
          f.setValue(JSON.getNodeFactory().stringNode("<run-id>"));
        } else {
          f.setValue(normalise(f.getValue()));
        }
      }
      return o;
    }
    if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, normalise(a.get(i)));
      }
      return a;
    }
    if (n.isString()) {
      String s = n.asString();
      s = s.replace(tmp.toAbsolutePath().toString(), "<tmp>");
      s = s.replace(realTmp, "<tmp>");
      s = SHA256.matcher(s).replaceAll("<sha256>");
      s = COMMIT.matcher(s).replaceAll("<commit>");
      s = TIME.matcher(s).replaceAll("<time>");
      s = s.replaceAll("\\b[0-9a-f]{12}\\b", "<short>");
      s = s.replaceAll("\\b[0-9a-f]{32}\\b", "<id32>");
      return JSON.getNodeFactory().stringNode(s);
    }
    return n;
  }
}
