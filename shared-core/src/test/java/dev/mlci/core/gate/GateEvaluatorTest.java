package dev.mlci.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.config.GateRule;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class GateEvaluatorTest {
  static final BaselineInfo NOTE =
      new BaselineInfo("note", Optional.of("abcdef1234567890"), "note on abcdef1");

  /**
   * 400 examples; the model is right with probability {@code accuracy}, its scores follow its
   * answers.
   */
  static EvaluationBundle bundle(double accuracy, long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    SplittableRandom shared = new SplittableRandom(7);
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] scores = new double[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = i % 2;
      double difficulty = shared.nextDouble();
      boolean right = difficulty < accuracy || rng.nextDouble() < 0.02;
      predicted[i] = right ? truth[i] : 1 - truth[i];
      double s = 0.5 + (predicted[i] == 1 ? 1 : -1) * (0.1 + 0.4 * rng.nextDouble());
      scores[i] = new double[] {1 - s, s};
    }
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "e" + i).toList();
    return new EvaluationBundle(
        "m",
        "classification",
        Optional.of("c0ffee" + seed),
        false,
        "d",
        "c",
        JsonNodeFactory.instance.objectNode(),
        Map.of(),
        Map.of(),
        new ClassificationPredictions(ids, List.of("a", "b"), truth, predicted, scores, true, 1),
        List.of());
  }

  static GateConfig gate(List<GateRule> rules, List<GateConfig.Acceptance> accept) {
    return new GateConfig(
        Optional.empty(),
        GateConfig.OnMissing.PASS,
        GateConfig.Inconclusive.WARN,
        0.95,
        1000,
        42,
        50,
        rules,
        accept,
        GateConfig.ChangedTestSet.INCONCLUSIVE,
        1);
  }

  static GateRule maxDrop(String metric, double drop) {
    return new GateRule(
        metric,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.of(drop),
        OptionalDouble.empty(),
        Optional.empty(),
        GateRule.Test.PAIRED_BOOTSTRAP,
        OptionalDouble.empty(),
        0);
  }

  @Test
  void sameModel_passesWithoutClaimingADetectableDropOfZero() {
    EvaluationBundle b = bundle(0.85, 1, 400);

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.0)), List.of()))
            .evaluate(List.of("accuracy"), b, Optional.of(b), NOTE, false);

    // No disagreement on 400 examples: they may still differ on < 0.92% of all examples.
    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
    assertThat(r.pairing().paired()).isTrue();
    assertThat(r.rules().get(0).detectableDrop()).isBetween(0.009, 0.0093);
    assertThat(r.rules().get(0).reasons())
        .anyMatch(s -> s.contains("predictions equal the baseline's on all 400 examples"));
  }

  @Test
  void nearlySameModel_withoutTolerance_isInconclusive() {
    EvaluationBundle b = bundle(0.85, 1, 400);
    ClassificationPredictions p = (ClassificationPredictions) b.predictions();
    int[] predicted = p.predicted().clone();
    for (int i = 0; i < 4; i++) {
      predicted[i] = 1 - predicted[i];
    }
    EvaluationBundle c =
        new EvaluationBundle(
            b.name(),
            b.task(),
            b.commit(),
            false,
            "d",
            "c",
            b.inputs(),
            Map.of(),
            Map.of(),
            new ClassificationPredictions(
                p.ids(), p.classes(), p.truth(), predicted, p.scores(), true, 1),
            List.of());

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.0)), List.of()))
            .evaluate(List.of("accuracy"), c, Optional.of(b), NOTE, false);

    assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rules().get(0).reasons())
        .anyMatch(s -> s.contains("too few examples where the models' predictions differ: 4"));
  }

  @Test
  void oneExample_isInconclusive() {
    EvaluationBundle b = bundle(0.85, 1, 1);
    EvaluationBundle c = bundle(0.0, 3, 1);

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.0)), List.of()))
            .evaluate(List.of("accuracy"), c, Optional.of(b), NOTE, false);

    assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rules().get(0).reasons()).anyMatch(s -> s.startsWith("too few examples: 1"));
  }

  @Test
  void clearDegradation_fails() {
    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.01)), List.of()))
            .evaluate(
                List.of("accuracy"),
                bundle(0.70, 1, 400),
                Optional.of(bundle(0.85, 1, 400)),
                NOTE,
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.failsBuild()).isTrue();
    RuleResult rule = r.rules().get(0);
    assertThat(rule.interval().orElseThrow().hi()).isLessThan(-0.01);
    assertThat(rule.reasons().get(0))
        .startsWith("worse than the baseline beyond the tolerated drop 0.0100");
  }

  @Test
  void clearImprovement_passes() {
    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("roc_auc", 0.01)), List.of()))
            .evaluate(
                List.of("roc_auc"),
                bundle(0.90, 1, 400),
                Optional.of(bundle(0.75, 1, 400)),
                NOTE,
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void noiseOnly_isInconclusive_notFail() {
    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.0)), List.of()))
            .evaluate(
                List.of("accuracy"),
                bundle(0.85, 2, 400),
                Optional.of(bundle(0.85, 1, 400)),
                NOTE,
                false);

    assertThat(r.verdict()).isIn(Verdict.INCONCLUSIVE, Verdict.PASS);
    assertThat(r.failsBuild()).isFalse();
    assertThat(
            new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.0)), List.of()))
                .evaluate(
                    List.of("accuracy"),
                    bundle(0.85, 2, 400),
                    Optional.of(bundle(0.85, 1, 400)),
                    NOTE,
                    true)
                .failsBuild())
        .isEqualTo(r.verdict() == Verdict.INCONCLUSIVE);
  }

  @Test
  void acceptedRegression_isReportedNotFailed() {
    GateConfig.Acceptance ok =
        new GateConfig.Acceptance("accuracy", "abcdef1", "traded for latency");

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.01)), List.of(ok)))
            .evaluate(
                List.of("accuracy"),
                bundle(0.70, 1, 400),
                Optional.of(bundle(0.85, 1, 400)),
                NOTE,
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
    assertThat(r.rules().get(0).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(r.rules().get(0).reasons()).anyMatch(s -> s.contains("traded for latency"));
  }

  @Test
  void acceptanceForAnotherBaseline_doesNotApply() {
    GateConfig.Acceptance stale = new GateConfig.Acceptance("accuracy", "1234567", "old");

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.01)), List.of(stale)))
            .evaluate(
                List.of("accuracy"),
                bundle(0.70, 1, 400),
                Optional.of(bundle(0.85, 1, 400)),
                NOTE,
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.notes()).anyMatch(s -> s.contains("did not apply"));
  }

  @Test
  void absoluteBound_failsWithoutABaseline() {
    GateRule min =
        new GateRule(
            "accuracy",
            OptionalDouble.of(0.9),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            Optional.empty(),
            GateRule.Test.PAIRED_BOOTSTRAP,
            OptionalDouble.empty(),
            0);

    GateResult r =
        new GateEvaluator(gate(List.of(min), List.of()))
            .evaluate(
                List.of("accuracy"),
                bundle(0.80, 1, 400),
                Optional.empty(),
                BaselineInfo.none("no note"),
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.rules().get(0).reasons().get(0)).contains("is below the minimum 0.9");
    assertThat(r.notes().get(0)).startsWith("NO BASELINE");
  }

  static GateRule minRule(double min, boolean strict) {
    return new GateRule(
        "accuracy",
        OptionalDouble.of(min),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        Optional.empty(),
        GateRule.Test.PAIRED_BOOTSTRAP,
        OptionalDouble.empty(),
        0,
        0,
        strict);
  }

  @Test
  void minBound_withinNoise_isInconclusive_butStrictComparesThePoint() {
    EvaluationBundle b = bundle(0.85, 1, 400);
    double accuracy =
        dev.mlci.core.eval.MetricFunction.of(dev.mlci.core.config.Metric.ACCURACY, b.predictions())
            .value(null);
    // A floor just above the point value: the point misses it, the interval straddles it.
    double floor = accuracy + 0.005;

    GateResult noiseAware =
        new GateEvaluator(gate(List.of(minRule(floor, false)), List.of()))
            .evaluate(
                List.of("accuracy"), b, Optional.empty(), BaselineInfo.none("no note"), false);
    GateResult strict =
        new GateEvaluator(gate(List.of(minRule(floor, true)), List.of()))
            .evaluate(
                List.of("accuracy"), b, Optional.empty(), BaselineInfo.none("no note"), false);

    assertThat(noiseAware.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(noiseAware.rules().get(0).reasons().get(0)).contains("cannot tell");
    assertThat(strict.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(strict.rules().get(0).reasons().get(0)).contains("(strict)");
  }

  @Test
  void defaultRules_gateOnePrimaryMetricAndReportTheOthers() {
    EvaluationBundle base = bundle(0.85, 1, 400);
    EvaluationBundle cand = bundle(0.85, 2, 400);

    GateResult r =
        new GateEvaluator(gate(List.of(), List.of()))
            .evaluate(
                List.of("accuracy", "roc_auc", "f1_macro"), cand, Optional.of(base), NOTE, false);

    assertThat(r.rules()).extracting(RuleResult::metric).containsExactly("roc_auc");
    assertThat(r.rules().get(0).rule().maxDrop()).hasValue(0.01);
    assertThat(r.notes()).anyMatch(s -> s.startsWith("Reported, not gated: accuracy"));
  }

  @Test
  void mostlyNewTestSet_isInconclusiveByDefault() {
    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.05)), List.of()))
            .evaluate(
                List.of("accuracy"),
                bundle(0.85, 1, 400),
                Optional.of(bundle(0.95, 1, 150)),
                NOTE,
                false);

    assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.rules().get(0).reasons())
        .anyMatch(s -> s.contains("cannot be told apart from the change of test set"));
    assertThat(r.notes())
        .anyMatch(s -> s.contains("150 examples in common (38% of the candidate's)"));
  }

  @Test
  void mostlyNewTestSet_optInComparesUnpaired() {
    GateConfig g = gate(List.of(maxDrop("accuracy", 0.05)), List.of());
    GateConfig unpaired =
        new GateConfig(
            g.target(),
            g.onMissing(),
            g.inconclusive(),
            g.confidence(),
            g.resamples(),
            g.seed(),
            g.maxCommits(),
            g.rules(),
            g.accept(),
            GateConfig.ChangedTestSet.UNPAIRED,
            1);
    GateResult r =
        new GateEvaluator(unpaired)
            .evaluate(
                List.of("accuracy"),
                bundle(0.85, 1, 400),
                Optional.of(bundle(0.85, 1, 150)),
                NOTE,
                false);

    assertThat(r.pairing().paired()).isFalse();
    assertThat(r.pairing().onlyCandidate()).isEqualTo(250);
    assertThat(r.rules().get(0).interval().orElseThrow().method()).isEqualTo("unpaired-bootstrap");
    assertThat(r.notes()).anyMatch(s -> s.startsWith("The test set changed"));
  }

  @Test
  void defaultRules_skipMetricsTheCandidateCannotHave() {
    EvaluationBundle b = bundle(0.85, 1, 400);
    EvaluationBundle scoresOnly =
        new EvaluationBundle(
            b.name(),
            b.task(),
            b.commit(),
            false,
            "d",
            "c",
            b.inputs(),
            Map.of("accuracy", 0.85),
            Map.of("log_loss", "the model produces decision scores, not probabilities"),
            b.predictions(),
            List.of());

    GateResult r =
        new GateEvaluator(gate(List.of(), List.of()))
            .evaluate(
                List.of("accuracy", "log_loss"), scoresOnly, Optional.of(scoresOnly), NOTE, true);

    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
    assertThat(r.rules()).extracting(RuleResult::metric).containsExactly("accuracy");
    assertThat(r.notes()).anyMatch(s -> s.startsWith("log_loss is not gated"));
  }

  @Test
  void partlyChangedTestSet_isPairedOnTheCommonExamples() {
    EvaluationBundle base = bundle(0.85, 1, 400);
    EvaluationBundle cand = bundle(0.85, 2, 420); // 20 new examples appended

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.05)), List.of()))
            .evaluate(List.of("accuracy"), cand, Optional.of(base), NOTE, false);

    assertThat(r.pairing().paired()).isTrue();
    assertThat(r.pairing().common()).isEqualTo(400);
    assertThat(r.pairing().onlyCandidate()).isEqualTo(20);
    assertThat(r.rules().get(0).interval().orElseThrow().method()).isEqualTo("paired-bootstrap");
    assertThat(r.notes()).anyMatch(s -> s.contains("paired on the common examples"));
  }

  @Test
  void relabelledExamples_areNotPaired() {
    EvaluationBundle base = bundle(0.85, 1, 400);
    ClassificationPredictions p = (ClassificationPredictions) base.predictions();
    int[] flipped = p.truth().clone();
    for (int i = 0; i < 300; i++) {
      flipped[i] = 1 - flipped[i];
    }
    EvaluationBundle relabelled =
        new EvaluationBundle(
            "m",
            "classification",
            Optional.of("x"),
            false,
            "d",
            "c",
            base.inputs(),
            Map.of(),
            Map.of(),
            new ClassificationPredictions(
                p.ids(), p.classes(), flipped, p.predicted(), p.scores(), true, 1),
            List.of());

    GateResult r =
        new GateEvaluator(gate(List.of(maxDrop("accuracy", 0.05)), List.of()))
            .evaluate(List.of("accuracy"), relabelled, Optional.of(base), NOTE, false);

    assertThat(r.pairing().changedTruth()).isEqualTo(300);
    assertThat(r.pairing().paired()).isFalse();
    assertThat(r.notes()).anyMatch(s -> s.contains("300 with a different true value"));
  }

  @Test
  void mcnemar_onAccuracy_usesTheExactTestForFewDisagreements() {
    GateRule rule =
        new GateRule(
            "accuracy",
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.of(0.0),
            OptionalDouble.empty(),
            Optional.empty(),
            GateRule.Test.MCNEMAR,
            OptionalDouble.empty(),
            0);

    GateResult r =
        new GateEvaluator(gate(List.of(rule), List.of()))
            .evaluate(
                List.of("accuracy"),
                bundle(0.85, 2, 400),
                Optional.of(bundle(0.85, 1, 400)),
                NOTE,
                false);

    assertThat(r.rules().get(0).interval().orElseThrow().method()).startsWith("mcnemar");
  }
}
