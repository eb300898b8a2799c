package dev.mlci.cli;

import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.tracking.LocalRun;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "List the runs recorded locally in OUT/mlruns (every train, evaluate and gate is recorded"
          + " there, with or without an MLflow server), newest first, with their metrics; or compare"
          + " two of them.",
      "",
      "The folder is in MLflow's file-store layout: MLFLOW_ALLOW_FILE_STORE=true mlflow ui"
          + " --backend-store-uri OUT/mlruns shows it."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci runs example-repos/breast-cancer",
      "  mlci runs . --compare 3f2a 9c1e        params that differ, metric changes",
      "  mlci runs . --json"
    })
final class RunsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The ML repository. Default: the current directory.")
  java.nio.file.Path dir;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "The output directory holding mlruns/. Default: DIR/mlci-out.")
  java.nio.file.Path out;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "Show at most N runs. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(
      names = "--compare",
      arity = "2",
      paramLabel = "RUN",
      description = "Compare two runs, given by a prefix of their run ids.")
  List<String> compare;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws MlciException {
    Workspace ws = Workspace.of(dir, Optional.empty(), Optional.ofNullable(out));
    List<LocalRun> runs = Mlci.localRuns(ws);
    PrintWriter o = spec.commandLine().getOut();
    if (compare != null) {
      LocalRun a = find(runs, compare.get(0));
      LocalRun b = find(runs, compare.get(1));
      if (json) {
        ArrayNode both = JsonNodeFactory.instance.arrayNode();
        both.add(toJson(a));
        both.add(toJson(b));
        o.println(both.toPrettyString());
      } else {
        printComparison(o, a, b);
      }
      o.flush();
      return 0;
    }
    List<LocalRun> shown = runs.subList(0, Math.min(Math.max(limit, 0), runs.size()));
    if (json) {
      ArrayNode all = JsonNodeFactory.instance.arrayNode();
      shown.forEach(r -> all.add(toJson(r)));
      o.println(all.toPrettyString());
    } else if (runs.isEmpty()) {
      o.println(
          "no runs recorded in "
              + Workspace.display(ws.out().resolve("mlruns"))
              + " yet: 'mlci train' records one.");
    } else {
      printTable(o, shown);
      if (shown.size() < runs.size()) {
        o.printf("(%d of %d runs; --limit N shows more)%n", shown.size(), runs.size());
      }
    }
    o.flush();
    return 0;
  }

  private static LocalRun find(List<LocalRun> runs, String prefix) throws BadInputException {
    List<LocalRun> matches = runs.stream().filter(r -> r.runId().startsWith(prefix)).toList();
    if (matches.size() == 1) {
      return matches.get(0);
    }
    throw new BadInputException(
        Problem.in(
            "--compare",
            "",
            matches.isEmpty()
                ? "no local run id starts with '" + prefix + "'."
                : "'" + prefix + "' matches " + matches.size() + " runs.",
            "give a longer prefix of a run id shown by 'mlci runs'."));
  }

  /** Metrics shown as columns: evaluation metrics first, the training curve's last value after. */
  private static List<String> metricColumns(List<LocalRun> runs) {
    Set<String> names = new TreeSet<>();
    for (LocalRun r : runs) {
      for (String m : r.metrics().keySet()) {
        if (!m.startsWith("gate/")
            && !m.equals("train_seconds")
            && !m.equals("training_examples")
            && !m.equals("test_examples")) {
          names.add(m);
        }
      }
    }
    List<String> columns = new ArrayList<>();
    names.stream().filter(n -> !n.startsWith("training_")).forEach(columns::add);
    names.stream().filter(n -> n.startsWith("training_")).forEach(columns::add);
    return columns;
  }

  private static void printTable(PrintWriter o, List<LocalRun> runs) {
    List<String> metrics = metricColumns(runs);
    int nameWidth = 4;
    for (LocalRun r : runs) {
      nameWidth = Math.max(nameWidth, Math.min(48, r.runName().length()));
    }
    String row = "%-8s  %-16s  %-" + nameWidth + "s  %-13s  %-12s";
    StringBuilder header =
        new StringBuilder(
            String.format(Locale.ROOT, row, "run", "started (UTC)", "name", "trainer", "gate"));
    for (String m : metrics) {
      header.append(String.format(Locale.ROOT, "  %10s", abbreviate(m, 10)));
    }
    o.println(header);
    for (LocalRun r : runs) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  row,
                  r.runId().substring(0, 8),
                  TIME.format(r.started()),
                  abbreviate(r.runName(), nameWidth),
                  abbreviate(r.params().getOrDefault("model.trainer", ""), 13),
                  r.tags().getOrDefault("mlci.gate.verdict", "-")));
      for (String m : metrics) {
        Double v = r.metrics().get(m);
        line.append(
            v == null
                ? String.format(Locale.ROOT, "  %10s", "-")
                : String.format(Locale.ROOT, "  %10.4f", v));
      }
      o.println(line);
    }
  }

  private static void printComparison(PrintWriter o, LocalRun a, LocalRun b) {
    o.printf("A: %s  %s  %s%n", a.runId(), a.runName(), TIME.format(a.started()));
    o.printf("B: %s  %s  %s%n", b.runId(), b.runName(), TIME.format(b.started()));
    Set<String> params = new TreeSet<>(a.params().keySet());
    params.addAll(b.params().keySet());
    List<String> differ = new ArrayList<>();
    for (String p : params) {
      String va = a.params().getOrDefault(p, "(none)");
      String vb = b.params().getOrDefault(p, "(none)");
      if (!va.equals(vb)) {
        differ.add(String.format(Locale.ROOT, "  %-32s %s -> %s", p, va, vb));
      }
    }
    o.println(differ.isEmpty() ? "params: identical" : "params that differ (A -> B):");
    differ.forEach(o::println);
    Set<String> metrics = new LinkedHashSet<>(metricColumns(List.of(a, b)));
    o.println("metrics:");
    o.printf(Locale.ROOT, "  %-20s %10s %10s %10s%n", "", "A", "B", "B - A");
    for (String m : metrics) {
      Double va = a.metrics().get(m);
      Double vb = b.metrics().get(m);
      o.printf(
          Locale.ROOT,
          "  %-20s %10s %10s %10s%n",
          abbreviate(m, 20),
          format(va),
          format(vb),
          va == null || vb == null ? "" : String.format(Locale.ROOT, "%+.4f", vb - va));
    }
  }

  private static String format(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String abbreviate(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }

  private static ObjectNode toJson(LocalRun r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("run_id", r.runId());
    n.put("run_name", r.runName());
    n.put("experiment", r.experiment());
    n.put("status", r.status().name());
    n.put("started", r.started().toString());
    r.finished().ifPresent(f -> n.put("finished", f.toString()));
    ObjectNode params = n.putObject("params");
    r.params().forEach(params::put);
    ObjectNode metrics = n.putObject("metrics");
    r.metrics().forEach(metrics::put);
    ObjectNode tags = n.putObject("tags");
    for (Map.Entry<String, String> t : r.tags().entrySet()) {
      tags.put(t.getKey(), t.getValue());
    }
    return n;
  }
}
