package dev.mlci.cli;

import dev.mlci.core.api.ContainerizeResult;
import dev.mlci.core.api.EvaluateResult;
import dev.mlci.core.api.FailedCheck;
import dev.mlci.core.api.GateOptions;
import dev.mlci.core.api.GateOutcome;
import dev.mlci.core.api.ImageLayer;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.ShipOptions;
import dev.mlci.core.api.ShipResult;
import dev.mlci.core.api.ShipStep;
import dev.mlci.core.api.StepContext;
import dev.mlci.core.api.StepListener;
import dev.mlci.core.api.TrackedRun;
import dev.mlci.core.api.TrainResult;
import dev.mlci.core.api.VerifyImageStep;
import dev.mlci.core.api.VerifyResult;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.MlciException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** What every step command shares: the options, planning, output. */
abstract class StepCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command's steps on a validated plan, adding results to {@code summary}.
   *
   * @return the exit code: 0, or 1 when the gate fails the build
   */
  abstract int execute(Mlci mlci, Plan plan, ObjectNode summary)
      throws MlciException, InterruptedException;

  /** How progress is shown, set before {@link #execute}. */
  StepListener progress = StepListener.NONE;

  @Override
  public Integer call() throws MlciException, InterruptedException {
    Environment env = Environment.detect();
    Workspace workspace = options.workspace();
    Plan plan = Mlci.plan(workspace);
    progress = Progress.of(options.progress, env.terminal(), options.quiet, err());
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("command", spec.name());
    summary.put("name", plan.name());
    int exit = execute(new Mlci(progress, Clock.systemUTC(), System.getenv()), plan, summary);
    summary.put("exit_code", exit);
    if (options.json) {
      out().println(summary.toPrettyString());
      out().flush();
    }
    return exit;
  }

  /** The gate options of {@code mlci gate} and {@code mlci run}. */
  static GateOptions gateOptions(GateFlags flags) {
    return new GateOptions(
        Optional.ofNullable(flags.target),
        Optional.ofNullable(flags.baseline),
        flags.failOnInconclusive,
        !flags.noFetch,
        System.getenv());
  }

  int reportGate(GateOutcome g, ObjectNode summary) {
    summarise(summary, "gate", g);
    if (!options.json) {
      PrintWriter out = out();
      // The engine's text of the gate: the same numbers, signs and notes as gate.md and gate.json.
      if (options.quiet) {
        g.briefText().forEach(out::println);
      } else {
        g.text().forEach(out::println);
        out.printf(
            "reports: %s (%s)%n", Workspace.display(g.gateDir()), String.join(", ", g.files()));
      }
      out.flush();
    }
    reportTracked(g.tracked());
    return g.exitCode();
  }

  /** Builds, verifies and delivers an image through the engine's one shipping rule. */
  int ship(Plan plan, ShipOptions ship, ObjectNode summary)
      throws MlciException, InterruptedException {
    return reportShip(new ShipStep(stepContext()).call(plan, ship), summary);
  }

  /** What the engine's steps run with: this command's progress, the clock, the environment. */
  StepContext stepContext() {
    return StepContext.of(progress, Clock.systemUTC(), System.getenv());
  }

  /**
   * The verify and containerize parts of a ship (as {@code verify-image} and {@code containerize}
   * report them) and what was delivered: {@code ship.verification} is PASSED, FAILED (nothing
   * delivered) or SKIPPED (delivered unverified, {@code ship.skipped} says why).
   */
  int reportShip(ShipResult r, ObjectNode summary) {
    r.verify().ifPresent(v -> reportVerify(v, summary));
    r.delivered().ifPresent(c -> reportContainerize(c, summary));
    summarise(summary, "ship", r);
    if (!options.json) {
      PrintWriter out = out();
      switch (r.verification()) {
        case PASSED ->
            out.println(
                "ship:   verified, then delivered to "
                    + r.target()
                    + " (the same image, "
                    + r.imageId()
                    + ")");
        case FAILED ->
            out.println(
                "ship:   NOT delivered to "
                    + r.target()
                    + ": the image breaks its serving contract (verify-image FAIL)");
        case SKIPPED ->
            out.println(
                "ship:   delivered to "
                    + r.target()
                    + " NOT verified: verify-image skipped, "
                    + r.skipped().orElse(""));
      }
      out.flush();
    }
    return r.exitCode();
  }

  void reportContainerize(ContainerizeResult r, ObjectNode summary) {
    summarise(summary, "containerize", r);
    if (!options.json && options.quiet) {
      out().printf("image:  %s (%s)%n", r.deployReference(), r.digest());
      r.warnings().forEach(w -> err().println("warning: " + w));
      out().flush();
      err().flush();
    } else if (!options.json) {
      PrintWriter out = out();
      out.printf(
          Locale.ROOT,
          "image:  %s (containerize step: %.1fs)%n",
          r.deployReference(),
          r.millis() / 1000.0);
      out.println(r.digest());
      for (ImageLayer l : r.layers()) {
        out.printf(
            Locale.ROOT,
            "  layer %-13s %4d files %8.1f MB%n",
            l.name(),
            l.files(),
            l.bytes() / 1e6);
      }
      for (String w : r.warnings()) {
        out.println("  warning: " + w);
      }
      out.printf(
          "wrote:  %s (%s)%n", Workspace.display(r.imageDir()), String.join(", ", r.files()));
      out.flush();
    }
  }

  int reportVerify(VerifyResult r, ObjectNode summary) {
    summarise(summary, "verify_image", r);
    if (!options.json) {
      PrintWriter out = out();
      if (r.checks().isPresent()) {
        out.printf(
            Locale.ROOT,
            "verify-image: %s (%d checks, %d failed; %d test rows, max |served - evaluated| %.2g;"
                + " ready in %.1fs with %s)%n",
            r.passed() ? "PASS" : "FAIL",
            r.checks().get(),
            r.failedChecks().orElse(0),
            r.rowsCompared().orElse(0),
            r.maxAbsDifference().orElse(Double.NaN),
            r.startSeconds(),
            r.engine());
        for (FailedCheck c : r.failures()) {
          out.println("  FAIL " + c.name() + ": " + c.detail());
        }
      } else {
        out.println("verify-image: FAIL");
      }
      for (String p : r.problems()) {
        out.println("  problem: " + p);
      }
      if (!r.passed() && !r.logTail().isBlank()) {
        out.println("  container log (end):");
        for (String line : r.logTail().split("\\R")) {
          out.println("    " + line);
        }
      }
      if (!options.quiet) {
        out.printf(
            "report: %s%n", Workspace.display(r.verifyDir().resolve(VerifyImageStep.VERIFY_JSON)));
      }
      out.flush();
    }
    return r.exitCode();
  }

  /**
   * Adds {@code result} to the {@code --json} summary under {@code field}; without {@code --json}
   * nothing prints the summary, and serialising a result (Jackson's introspection of its records)
   * is skipped.
   */
  void summarise(ObjectNode summary, String field, Object result) {
    if (options.json) {
      summary.set(field, CliJson.tree(result));
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void reportTrain(TrainResult r, ObjectNode summary) {
    summarise(summary, "train", r);
    if (!options.json && options.quiet) {
      out()
          .printf(
              "trained %s on %d examples: %s (digest %s)%n",
              r.trainer(),
              r.trainingExamples(),
              Workspace.display(r.modelDir()),
              r.digest().substring(0, 12));
      out().flush();
    } else if (!options.json) {
      PrintWriter out = out();
      out.printf(
          Locale.ROOT,
          "trained %s on %d examples (train step: %.1fs)%n",
          r.trainer(),
          r.trainingExamples(),
          r.millis() / 1000.0);
      out.printf(
          "model:  %s (digest %s)%n", Workspace.display(r.modelDir()), r.digest().substring(0, 12));
      out.println(
          "onnx:   "
              + (r.onnx()
                  ? "exported (model.onnx)"
                  : "not exported: " + r.onnxSkipped().orElse("")));
      out.flush();
    }
    reportTracked(r.tracked());
  }

  /** Where the step's run was recorded; tracking warnings go to standard error. */
  void reportTracked(TrackedRun tracked) {
    if (!options.json && !options.quiet) {
      PrintWriter out = out();
      tracked.serverRun().ifPresent(u -> out.println("mlflow: " + u));
      tracked.localRun().ifPresent(p -> out.println("run:    " + Workspace.display(p)));
      out.flush();
    }
    for (String w : tracked.warnings()) {
      err().println("warning: " + w);
    }
    err().flush();
  }

  void reportEvaluate(EvaluateResult r, ObjectNode summary) {
    summarise(summary, "evaluate", r);
    if (!options.json && options.quiet) {
      List<String> metrics = new ArrayList<>();
      r.metrics().forEach((k, v) -> metrics.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
      r.undefined().keySet().forEach(k -> metrics.add(k + " n/a"));
      out()
          .printf(
              "evaluated on %d test examples: %s (%s)%n",
              r.testExamples(), String.join(", ", metrics), Workspace.display(r.evalDir()));
      out().flush();
    } else if (!options.json) {
      PrintWriter out = out();
      out.printf(
          Locale.ROOT,
          "evaluated on %d test examples (evaluate step: %.1fs)%n",
          r.testExamples(),
          r.millis() / 1000.0);
      for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
        out.printf(Locale.ROOT, "  %-18s %.4f%n", m.getKey(), m.getValue());
      }
      for (Map.Entry<String, String> m : r.undefined().entrySet()) {
        out.printf(Locale.ROOT, "  %-18s n/a (%s)%n", m.getKey(), m.getValue());
      }
      out.printf(
          "results: %s (%s)%n", Workspace.display(r.evalDir()), String.join(", ", r.files()));
      out.flush();
    }
    reportTracked(r.tracked());
    for (String w : r.warnings()) {
      err().println("warning: " + w);
    }
    err().flush();
  }
}
