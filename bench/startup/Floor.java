import java.awt.Rectangle;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The libraries' floor under the no-op gate (bench/startup): the least a JVM program does with the
 * libraries mlci's gate uses, for a simpler version of its task on the same files, written the
 * plainest way and on two threads as the gate is. picocli parses a command line of the gate's
 * shape; SnakeYAML reads ml.yaml; Jackson reads the candidate's and the baseline's gzipped bundles
 * and writes a pretty gate.json; a paired bootstrap of accuracy, 2,000 resamples over the rows, for
 * each of two rules; JFreeChart draws four charts into SVG with JFreeSVG (on a second thread, from
 * the start); four report files are written. Simpler than the gate: both rules are accuracy (the
 * example's are ROC AUC and accuracy), rows are paired by position, not by id, the charts' curves
 * are synthetic and the reports are stand-ins; so it is a lower bound. What it leaves out is what
 * mlci adds: the schema check, the data gate, the bundles' checks, the run store, the atomic output
 * directory, the git state, logging.
 *
 * <p>Run by bench/startup/run.sh, compiled against mlci.jar: {@code java -cp mlci.jar:floor.jar Floor
 * gate REPO --baseline FILE --no-fetch -q --progress none}. Prints nothing; exit 0.
 */
@Command(name = "floor", mixinStandardHelpOptions = true)
public final class Floor implements Callable<Integer> {
  @Parameters(index = "0") String command;
  @Parameters(index = "1") Path repo;
  @Option(names = "--baseline") Path baseline;
  @Option(names = "--no-fetch") boolean noFetch;
  @Option(names = {"-q", "--quiet"}) boolean quiet;
  @Option(names = "--progress") String progress;
  @Option(names = "--target") String target;
  @Option(names = "--config") Path config;
  @Option(names = "--out") Path out;
  @Option(names = "--json") boolean json;
  @Option(names = "--fail-on-inconclusive") boolean failOnInconclusive;
  @Option(names = "--mlflow-uri") String mlflow;
  @Option(names = "--no-track") boolean noTrack;
  @Option(names = "--report") Path report;

  public static void main(String[] args) {
    int rc = new CommandLine(new Floor()).execute(args);
    System.exit(rc);
  }

  @Override
  public Integer call() throws Exception {
    CompletableFuture<List<String>> charts = CompletableFuture.supplyAsync(Floor::charts);
    @SuppressWarnings("unchecked")
    Map<String, Object> yaml =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(repo.resolve("ml.yaml")));
    ObjectMapper mapper = JsonMapper.builder().build();
    JsonNode candidate = read(mapper, repo.resolve("mlci-out/eval/evaluation.mlci.gz"));
    JsonNode base = read(mapper, baseline);
    int[] a = correct(candidate);
    int[] b = correct(base);
    ObjectNode result = mapper.createObjectNode();
    result.put("name", String.valueOf(yaml.get("name")));
    for (String rule : List.of("accuracy", "balanced_accuracy")) {
      double[] interval = bootstrap(a, b, rule.hashCode());
      ObjectNode r = result.putObject(rule);
      r.put("low", interval[0]);
      r.put("high", interval[1]);
      r.put("verdict", interval[0] > -0.02 ? "PASS" : "FAIL");
    }
    Path dir = Files.createDirectories(repo.resolve("mlci-out/floor"));
    Files.writeString(
        dir.resolve("gate.json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    Files.writeString(dir.resolve("gate.md"), "# gate\n\n" + result + "\n");
    Files.writeString(dir.resolve("junit.xml"), "<testsuite name=\"gate\" tests=\"2\"/>\n");
    Files.writeString(
        dir.resolve("gate.html"),
        "<html><body>" + String.join("\n", charts.get()) + "</body></html>\n",
        StandardCharsets.UTF_8);
    return 0;
  }

  private static JsonNode read(ObjectMapper mapper, Path file) throws Exception {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return mapper.readTree(in);
    }
  }

  /** 1 where the bundle's predicted label is its true label, per row. */
  private static int[] correct(JsonNode bundle) {
    JsonNode p = bundle.get("predictions");
    JsonNode labels = p.get("predicted");
    JsonNode truth = p.get("truth");
    int n = p.get("ids").size();
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = labels != null && truth != null && labels.get(i).equals(truth.get(i)) ? 1 : 0;
    }
    return c;
  }

  /** A 95% paired-bootstrap interval of mean(a) - mean(b), 2,000 resamples. */
  private static double[] bootstrap(int[] a, int[] b, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = Math.min(a.length, b.length);
    double[] d = new double[2000];
    for (int r = 0; r < d.length; r++) {
      long sum = 0;
      for (int i = 0; i < n; i++) {
        int j = random.nextInt(n);
        sum += a[j] - b[j];
      }
      d[r] = (double) sum / n;
    }
    java.util.Arrays.sort(d);
    return new double[] {d[49], d[1949]};
  }

  private static List<String> charts() {
    List<String> svgs = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      XYSeriesCollection data = new XYSeriesCollection();
      XYSeries s = new XYSeries("candidate");
      for (int i = 0; i <= 100; i++) {
        s.add(i / 100.0, Math.sqrt(i / 100.0));
      }
      data.addSeries(s);
      svgs.add(svg(ChartFactory.createXYLineChart("curve " + k, "x", "y", data)));
    }
    DefaultCategoryDataset bars = new DefaultCategoryDataset();
    bars.addValue(0.95, "baseline", "accuracy");
    bars.addValue(0.96, "candidate", "accuracy");
    svgs.add(svg(ChartFactory.createBarChart("accuracy", "", "", bars)));
    return svgs;
  }

  private static String svg(JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(640, 360);
    chart.draw(g, new Rectangle(0, 0, 640, 360));
    return g.getSVGElement();
  }
}
