package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.Predictions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The gate's statistical promise, checked against a known truth (as scipy's {@code
 * test_bootstrap_against_theory} does): simulated paired predictions of two models whose true
 * difference is known, seeded, with tolerances set from the Monte Carlo error. McNemar's coverage
 * and power are computed exactly by enumerating every table, not simulated.
 *
 * <p>Sizes are bounded for CI (a few minutes on 2 cores); {@code -Dmlci.validation.scale=K}
 * multiplies the replicates (bench/gate-validation/run.sh runs it for VALIDATION.md).
 */
class GateStatisticsTest {
  static final int SCALE = Integer.getInteger("mlci.validation.scale", 1);
  static final int RESAMPLES = Integer.getInteger("mlci.validation.resamples", 2000);
  static final BaselineInfo NOTE =
      new BaselineInfo("note", Optional.of("abcdef1234567890"), "note on abcdef1");
  static final List<String> SEVEN =
      List.of(
          "accuracy",
          "balanced_accuracy",
          "precision_macro",
          "recall_macro",
          "f1_macro",
          "roc_auc",
          "log_loss");

  /**
   * A binary model on {@code n} examples: a latent margin shared by both models (which examples are
   * hard) plus the model's own noise; {@code shift} lowers this model's margin (a worse model).
   */
  static EvaluationBundle model(long dataSeed, long modelSeed, int n, double shift) {
    SplittableRandom data = new SplittableRandom(dataSeed);
    SplittableRandom own = new SplittableRandom(modelSeed);
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = data.nextDouble() < 0.5 ? 1 : 0;
      double shared = gaussian(data);
      double margin = 1.2 + shared + 0.7 * gaussian(own) - shift;
      double z = truth[i] == 1 ? margin : -margin;
      double p = 1 / (1 + Math.exp(-z));
      predicted[i] = p >= 0.5 ? 1 : 0;
      scores[i] = new double[] {1 - p, p};
    }
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "e" + i).toList();
    return bundle(
        new ClassificationPredictions(ids, List.of("a", "b"), truth, predicted, scores, true, 1));
  }

  static EvaluationBundle bundle(Predictions p) {
    return new EvaluationBundle(
        "m",
        "classification",
        Optional.of("c0ffee"),
        false,
        "d",
        "c",
        JsonNodeFactory.instance.objectNode(),
        Map.of(),
        Map.of(),
        p,
        List.of());
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static GateConfig gate(List<GateRule> rules, int resamples) {
    return new GateConfig(
        Optional.empty(),
        GateConfig.OnMissing.PASS,
        GateConfig.Inconclusive.WARN,
        0.95,
        resamples,
        42,
        50,
        rules,
        List.of(),
        GateConfig.ChangedTestSet.INCONCLUSIVE,
        1);
  }

  static GateRule maxDrop(String metric, double drop, GateRule.Test test) {
    return new GateRule(
        metric,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.of(drop),
        OptionalDouble.empty(),
        Optional.empty(),
        test,
        OptionalDouble.empty(),
        0);
  }

  /** Share of replicates where the gate as a whole says {@code verdict}. */
  static double rate(List<GateRule> rules, int n, int replicates, double shift, Verdict verdict) {
    GateEvaluator gate = new GateEvaluator(gate(rules, RESAMPLES));
    Map<String, Integer> perRule = new java.util.TreeMap<>();
    long hits = 0;
    for (int k = 0; k < replicates; k++) {
      EvaluationBundle base = model(1000L + k, 2000L + k, n, 0);
      EvaluationBundle cand = model(1000L + k, 3000L + k, n, shift);
      GateResult r = gate.evaluate(SEVEN, cand, Optional.of(base), NOTE, false);
      if (r.verdict() == verdict) {
        hits++;
      }
      for (RuleResult rule : r.rules()) {
        if (rule.verdict() == verdict) {
          perRule.merge(rule.metric(), 1, Integer::sum);
        }
      }
    }
    System.out.printf("VALIDATION   %s per rule (n=%d): %s%n", verdict, n, perRule);
    return (double) hits / replicates;
  }

  /** Upper acceptance bound for a rate whose truth is at most {@code p}: p + 2.33 MC errors. */
  static double upper(double p, int replicates) {
    return p + 2.33 * Math.sqrt(p * (1 - p) / replicates);
  }

  @ParameterizedTest(name = "n={0}")
  @CsvSource({"200, 400", "1000, 150", "10000, 20"})
  void equalModels_sevenRulesAtNoDrop_wholeGateFailsAtMost2point5Percent(int n, int replicates) {
    int reps = replicates * SCALE;
    List<GateRule> rules =
        SEVEN.stream().map(m -> maxDrop(m, 0, GateRule.Test.PAIRED_BOOTSTRAP)).toList();

    double fail = rate(rules, n, reps, 0, Verdict.FAIL);
    if (n == 200) {
      reasonsMatchTheIntervals(rules, n, 60);
    }

    System.out.printf(
        "VALIDATION seven-rules n=%d replicates=%d false-FAIL=%.4f se=%.4f%n",
        n, reps, fail, Math.sqrt(Math.max(fail, 0.025) * 0.975 / reps));
    assertThat(fail).isLessThanOrEqualTo(upper(0.025, reps));
  }

  /**
   * On builds where the swap test ran (some interval below 0), every rule's sentence matches its
   * own interval: only a rule whose interval lies below the threshold speaks of the randomization
   * test.
   */
  static void reasonsMatchTheIntervals(List<GateRule> rules, int n, int replicates) {
    GateEvaluator gate = new GateEvaluator(gate(rules, RESAMPLES));
    for (int k = 0; k < replicates; k++) {
      EvaluationBundle base = model(1000L + k, 2000L + k, n, 0);
      EvaluationBundle cand = model(1000L + k, 3000L + k, n, 0);
      for (RuleResult rule : gate.evaluate(SEVEN, cand, Optional.of(base), NOTE, false).rules()) {
        String why = String.join(" ", rule.reasons());
        if (rule.interval().orElseThrow().hi() >= 0) {
          assertThat(why).doesNotContain("randomization");
        }
      }
    }
  }

  @ParameterizedTest(name = "n={0}")
  @CsvSource({"200, 300", "1000, 100", "10000, 20"})
  void equalModels_defaultRules_wholeGateFailsAtMost2point5Percent(int n, int replicates) {
    int reps = replicates * SCALE;

    double fail = rate(List.of(), n, reps, 0, Verdict.FAIL);

    System.out.printf("VALIDATION defaults n=%d replicates=%d false-FAIL=%.4f%n", n, reps, fail);
    assertThat(fail).isLessThanOrEqualTo(upper(0.025, reps));
  }

  @Test
  void realRegression_defaultRules_isCaughtNotPassed() {
    // shift 0.6 lowers the candidate's ROC AUC by about 0.05, five times the default tolerance.
    int reps = 50 * SCALE;
    double pass = rate(List.of(), 1000, reps, 0.6, Verdict.PASS);
    double fail = rate(List.of(), 1000, reps, 0.6, Verdict.FAIL);

    System.out.printf(
        "VALIDATION defaults regression n=1000 replicates=%d PASS=%.4f FAIL=%.4f%n",
        reps, pass, fail);
    assertThat(pass).isLessThanOrEqualTo(upper(0.025, reps));
    assertThat(fail).isGreaterThan(0.8);
  }

  /** The true ROC AUC of a model with {@code shift}, from one large sample. */
  static double trueAuc(double shift) {
    EvaluationBundle big = model(99, 98, 400_000, shift);
    return dev.mlci.core.eval.MetricFunction.of(
            dev.mlci.core.config.Metric.ROC_AUC, big.predictions())
        .value(null);
  }

  /**
   * Near the default tolerance: a true ROC AUC drop of about 1.5 × and 3 × {@code max_drop: 0.01}.
   * A regression beyond the tolerance must PASS in at most 2.5% of builds; the FAIL rate is the
   * power.
   */
  @ParameterizedTest(name = "n={0}, shift {1}")
  @CsvSource({"1000, 0.09, 150", "1000, 0.18, 150", "10000, 0.09, 20", "10000, 0.18, 20"})
  void regressionBeyondTheDefaultTolerance_passesAtMost2point5Percent(
      int n, double shift, int replicates) {
    int reps = replicates * SCALE;
    double drop = trueAuc(0) - trueAuc(shift);
    double pass = rate(List.of(), n, reps, shift, Verdict.PASS);
    double fail = rate(List.of(), n, reps, shift, Verdict.FAIL);

    System.out.printf(
        "VALIDATION defaults near-tolerance n=%d true-roc_auc-drop=%.4f (max_drop 0.01)"
            + " replicates=%d PASS=%.4f FAIL(power)=%.4f%n",
        n, drop, reps, pass, fail);
    assertThat(drop).isGreaterThan(0.01);
    assertThat(pass).isLessThanOrEqualTo(upper(0.025, reps));
  }

  /** Student's t with 3 degrees of freedom: a normal over the root of a chi-squared(3) / 3. */
  static double t3(SplittableRandom r) {
    double chi = 0;
    for (int i = 0; i < 3; i++) {
      double g = gaussian(r);
      chi += g * g;
    }
    return gaussian(r) / Math.sqrt(chi / 3);
  }

  /**
   * A regression model whose errors are heavy-tailed: shared t(3) error plus its own t(3) error.
   */
  static EvaluationBundle regression(long dataSeed, long modelSeed, int n) {
    SplittableRandom data = new SplittableRandom(dataSeed);
    SplittableRandom own = new SplittableRandom(modelSeed);
    double[] truth = new double[n];
    double[] predicted = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = gaussian(data);
      predicted[i] = truth[i] + 0.5 * t3(data) + 0.5 * t3(own);
    }
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
    return new EvaluationBundle(
        "m",
        "regression",
        Optional.of("c0ffee"),
        false,
        "d",
        "c",
        JsonNodeFactory.instance.objectNode(),
        Map.of(),
        Map.of(),
        new dev.mlci.core.eval.RegressionPredictions(ids, truth, predicted),
        List.of());
  }

  /**
   * Heavy tails (issue 12 item 6): RMSE with t(3) errors at n = 200. The percentile interval alone
   * FAILs two equal models in 3.9% of builds for a nominal 2.5% (VALIDATION.md section 4); a FAIL
   * also needs the paired randomization test ({@link SwapTest}), whose level is exact, so the false
   * FAIL rate is at most 2.5% (+ Monte Carlo error). Builds where the interval alone would have
   * FAILed are INCONCLUSIVE and say why.
   */
  @Test
  void heavyTails_rmseWithT3Errors_equalModels_falseFailAtMost2point5Percent() {
    int reps = 400 * SCALE;
    GateEvaluator gate =
        new GateEvaluator(
            gate(List.of(maxDrop("rmse", 0, GateRule.Test.PAIRED_BOOTSTRAP)), RESAMPLES));
    long fails = 0;
    long intervalFails = 0;
    for (int k = 0; k < reps; k++) {
      EvaluationBundle base = regression(7000L + k, 8000L + k, 200);
      EvaluationBundle cand = regression(7000L + k, 9000L + k, 200);
      GateResult r = gate.evaluate(List.of("rmse"), cand, Optional.of(base), NOTE, false);
      RuleResult rule = r.rules().get(0);
      boolean below = rule.interval().orElseThrow().hi() < 0;
      if (below) {
        intervalFails++;
        String why = String.join(" ", rule.reasons());
        if (r.verdict() == Verdict.FAIL) {
          assertThat(why).contains("the paired randomization test tells the models apart (p = ");
        } else {
          assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
          assertThat(why).contains("paired randomization test p = ", "a FAIL needs at most 0.025");
        }
      }
      if (r.verdict() == Verdict.FAIL) {
        fails++;
      }
    }
    double rate = (double) fails / reps;
    System.out.printf(
        "VALIDATION rmse t(3) n=200 replicates=%d false-FAIL=%.4f se=%.4f (nominal 0.025);"
            + " percentile interval alone=%.4f%n",
        reps, rate, Math.sqrt(0.025 * 0.975 / reps), (double) intervalFails / reps);
    assertThat(rate).isLessThanOrEqualTo(upper(0.025, reps));
    // The percentile interval alone is anti-conservative here, so the randomization test decides.
    assertThat(intervalFails).isGreaterThan(fails);
  }

  // ---- McNemar: exact coverage and power, every table enumerated ----

  /** Probability of the multinomial table (b, c, rest) under cell probabilities pb, pc. */
  static double table(int n, int b, int c, double pb, double pc) {
    double log =
        LogGamma.value(n + 1.0)
            - LogGamma.value(b + 1.0)
            - LogGamma.value(c + 1.0)
            - LogGamma.value(n - b - c + 1.0)
            + (b == 0 ? 0 : b * Math.log(pb))
            + (c == 0 ? 0 : c * Math.log(pc))
            + (n - b - c == 0 ? 0 : (n - b - c) * Math.log1p(-pb - pc));
    return Math.exp(log);
  }

  interface TableEvent {
    boolean holds(Interval ci);
  }

  /** P(event) over all tables with non-negligible probability. */
  static double exactly(int n, double pb, double pc, double confidence, TableEvent event) {
    int bMax = (int) Math.min(n, n * pb + 12 * Math.sqrt(n * pb) + 10);
    int cMax = (int) Math.min(n, n * pc + 12 * Math.sqrt(n * pc) + 10);
    double total = 0;
    double hit = 0;
    for (int b = 0; b <= bMax; b++) {
      if (pb == 0 && b > 0) {
        break;
      }
      for (int c = 0; c <= cMax && b + c <= n; c++) {
        if (pc == 0 && c > 0) {
          break;
        }
        double p = table(n, b, c, pb, pc);
        if (p < 1e-13) {
          continue;
        }
        total += p;
        if (event.holds(McNemar.fromCounts(b, c, n, confidence))) {
          hit += p;
        }
      }
    }
    return hit / total;
  }

  @Test
  void mcnemar_coverage_atLeast94PercentForFewDiscordantPairs() {
    double worst = 1;
    String where = "";
    for (int n : new int[] {20, 50, 100, 200, 1000, 10000}) {
      for (double discordant : new double[] {0.5, 1, 2, 5, 10, 20, 50, 100}) {
        if (discordant > 0.9 * n) {
          continue;
        }
        for (double share : new double[] {0, 0.1, 0.25, 0.5}) {
          double pd = discordant / n;
          double pc = pd * share;
          double pb = pd - pc;
          double truth = pc - pb;
          double coverage = exactly(n, pb, pc, 0.95, ci -> ci.lo() <= truth && truth <= ci.hi());
          if (coverage < worst) {
            worst = coverage;
            where = "n=" + n + " E[b+c]=" + discordant + " c/(b+c)=" + share;
          }
        }
      }
    }
    System.out.printf("VALIDATION mcnemar worst coverage=%.4f at %s%n", worst, where);
    assertThat(worst).as(where).isGreaterThanOrEqualTo(0.94);
  }

  @ParameterizedTest(name = "n={0}, discordance {1}")
  @CsvSource({"1567, 0.02", "3922, 0.05", "7847, 0.10"})
  void mcnemar_powerAtConnorsSampleSizes_isAbout80Percent(int n, double discordance) {
    // A 1 pp accuracy drop: p_b - p_c = 0.01 with p_b + p_c = discordance.
    double pb = (discordance + 0.01) / 2;
    double pc = (discordance - 0.01) / 2;

    double power = exactly(n, pb, pc, 0.95, ci -> ci.hi() < 0);

    System.out.printf(
        "VALIDATION mcnemar power n=%d discordance=%.2f power=%.4f (Connor: 0.80)%n",
        n, discordance, power);
    assertThat(power).isBetween(0.77, 0.85);
  }

  @Test
  void mcnemar_trueDropBeyondTolerance_passesAtMost2point5Percent() {
    // The audit's case: a true 3 pp drop, tolerance 2 pp, n = 200; discordance 5% to 15%.
    double worst = 0;
    for (double discordance : new double[] {0.03, 0.05, 0.1, 0.15}) {
      double pb = (discordance + 0.03) / 2;
      double pc = (discordance - 0.03) / 2;
      double pass = exactly(200, pb, pc, 0.95, ci -> ci.lo() >= -0.02);
      worst = Math.max(worst, pass);
    }
    System.out.printf(
        "VALIDATION mcnemar false PASS (3pp drop, 2pp tolerance, n=200)=%.4f%n", worst);
    assertThat(worst).isLessThanOrEqualTo(0.025);
  }

  // ---- minimum evidence ----

  @Test
  void fourFlippedOfTenThousand_atNoDrop_isInconclusive() {
    EvaluationBundle base = model(1, 2, 10_000, 0);
    ClassificationPredictions b = (ClassificationPredictions) base.predictions();
    int[] predicted = b.predicted().clone();
    int flipped = 0;
    for (int i = 0; i < predicted.length && flipped < 4; i++) {
      if (predicted[i] == b.truth()[i]) {
        predicted[i] = 1 - predicted[i];
        flipped++;
      }
    }
    EvaluationBundle cand =
        bundle(
            new ClassificationPredictions(
                b.ids(), b.classes(), b.truth(), predicted, b.scores(), true, 1));

    GateResult r =
        new GateEvaluator(
                gate(List.of(maxDrop("accuracy", 0, GateRule.Test.PAIRED_BOOTSTRAP)), 500))
            .evaluate(List.of("accuracy"), cand, Optional.of(base), NOTE, false);

    assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rules().get(0).detectableDrop()).isGreaterThan(0);
  }

  /** The rows of a classification bundle, last first. */
  static EvaluationBundle reversed(EvaluationBundle bundle) {
    ClassificationPredictions c = (ClassificationPredictions) bundle.predictions();
    int n = c.size();
    List<String> ids = new java.util.ArrayList<>();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      int j = n - 1 - i;
      ids.add(c.ids().get(j));
      truth[i] = c.truth()[j];
      predicted[i] = c.predicted()[j];
      scores[i] = c.scores()[j];
    }
    return bundle(
        new ClassificationPredictions(ids, c.classes(), truth, predicted, scores, true, 1));
  }

  @Test
  void rowOrder_doesNotChangeTheSwapTest() {
    // A FAIL: the swap test runs, and its p-value must not depend on the order of the rows either.
    EvaluationBundle base = model(15, 16, 300, 0);
    EvaluationBundle cand = model(15, 17, 300, 0.6);
    GateEvaluator g =
        new GateEvaluator(
            gate(
                SEVEN.stream().map(m -> maxDrop(m, 0, GateRule.Test.PAIRED_BOOTSTRAP)).toList(),
                500));

    GateResult a = g.evaluate(SEVEN, cand, Optional.of(base), NOTE, false);
    GateResult b = g.evaluate(SEVEN, reversed(cand), Optional.of(base), NOTE, false);

    assertThat(a.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(String.join(" ", a.rules().get(0).reasons()))
        .contains("the paired randomization test tells the models apart (p = ");
    for (int i = 0; i < a.rules().size(); i++) {
      assertThat(b.rules().get(i).reasons()).isEqualTo(a.rules().get(i).reasons());
      assertThat(b.rules().get(i).verdict()).isEqualTo(a.rules().get(i).verdict());
    }
  }

  @Test
  void rowOrder_doesNotChangeTheInterval() {
    EvaluationBundle base = model(5, 6, 500, 0);
    EvaluationBundle cand = model(5, 7, 500, 0.2);
    ClassificationPredictions c = (ClassificationPredictions) cand.predictions();
    int n = c.size();
    List<String> ids = new java.util.ArrayList<>();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      int j = n - 1 - i;
      ids.add(c.ids().get(j));
      truth[i] = c.truth()[j];
      predicted[i] = c.predicted()[j];
      scores[i] = c.scores()[j];
    }
    EvaluationBundle reversed =
        bundle(new ClassificationPredictions(ids, c.classes(), truth, predicted, scores, true, 1));
    GateEvaluator g =
        new GateEvaluator(
            gate(List.of(maxDrop("roc_auc", 0.01, GateRule.Test.PAIRED_BOOTSTRAP)), 500));

    Interval a =
        g.evaluate(SEVEN, cand, Optional.of(base), NOTE, false)
            .rules()
            .get(0)
            .interval()
            .orElseThrow();
    Interval b =
        g.evaluate(SEVEN, reversed, Optional.of(base), NOTE, false)
            .rules()
            .get(0)
            .interval()
            .orElseThrow();

    assertThat(b.lo()).isEqualTo(a.lo());
    assertThat(b.hi()).isEqualTo(a.hi());
  }
}
