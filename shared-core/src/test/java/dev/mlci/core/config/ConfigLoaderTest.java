package dev.mlci.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path repo;

  private static final String VALID =
      """
      name: demo
      task: classification
      data:
        path: data/d.csv
        target: y
      model:
        trainer: logistic
      """;

  /** {@link #VALID} with the SGD logistic regression, whose parameters the tests below probe. */
  private static final String SGD = VALID.replace("trainer: logistic", "trainer: logistic-sgd");

  private LoadedConfig load(String yaml) throws IOException, BadInputException {
    Path file = repo.resolve("ml.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return new ConfigLoader(repo).load(file);
  }

  private List<Problem> problems(String yaml) throws IOException {
    try {
      load(yaml);
    } catch (BadInputException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused:\n" + yaml);
  }

  @Test
  void prepare_builtInConfig_goesThroughEveryStageAndLeavesLoadUnchanged() throws Exception {
    // A built-in config the schema came to refuse would leave the parse or the binding cold.
    assertThat(ConfigLoader.prepare()).isTrue();
    assertThat(ConfigLoader.prepare()).isTrue();

    MlConfig c = load(VALID).config();
    assertThat(c.data().split()).isEqualTo(new SplitConfig(0.2, 42, SplitStrategy.HASH));
  }

  @Test
  void load_minimalConfig_fillsEveryDefault() throws Exception {
    MlConfig c = load(VALID).config();

    assertThat(c.version()).isEqualTo(1);
    assertThat(c.data().split()).isEqualTo(new SplitConfig(0.2, 42, SplitStrategy.HASH));
    assertThat(c.data().missing()).isEqualTo(MissingPolicy.ERROR);
    assertThat(c.data().naValues()).containsExactly("", "NA");
    assertThat(c.data().categorical()).isEmpty();
    assertThat(c.data().features()).isEmpty();
    assertThat(c.model().seed()).isEqualTo(42);
    assertThat(c.model().params())
        .containsEntry("C", 1.0)
        .containsEntry("max_iter", 1000L)
        .containsEntry("tol", 1e-6)
        .doesNotContainKey("epochs");
    assertThat(load(SGD).config().model().params())
        .containsEntry("epochs", 10L)
        .containsEntry("optimizer", "adagrad")
        .containsEntry("minibatch_size", 1L)
        .containsEntry("shuffle", true)
        .doesNotContainKey("learning_rate");
    assertThat(c.metrics())
        .containsExactly(
            "accuracy",
            "balanced_accuracy",
            "precision_macro",
            "recall_macro",
            "f1_macro",
            "roc_auc",
            "log_loss");
  }

  @Test
  void load_gateStrictBoundsAndChangedTestSet_areRead() throws Exception {
    MlConfig c =
        load(VALID
                + """
                    gate:
                      changed_test_set: unpaired
                      rules:
                        - {metric: accuracy, min: 0.9, strict: true}
                        - {metric: roc_auc, max_drop: 0.01}
                    """)
            .config();

    assertThat(c.gate().changedTestSet()).isEqualTo(GateConfig.ChangedTestSet.UNPAIRED);
    assertThat(c.gate().rules().get(0).strict()).isTrue();
    assertThat(c.gate().rules().get(1).strict()).isFalse();
    assertThat(load(VALID).config().gate().changedTestSet())
        .isEqualTo(GateConfig.ChangedTestSet.INCONCLUSIVE);
  }

  @Test
  void load_trainingNoise_isReadAndOffByDefault() throws Exception {
    MlConfig c = load(VALID + "gate:\n  training_noise: {seeds: 5}\n").config();

    assertThat(c.gate().trainingSeeds()).isEqualTo(5);
    assertThat(c.gate().trainingNoise()).isTrue();
    assertThat(load(VALID).config().gate().trainingSeeds()).isEqualTo(1);
    assertThat(load(VALID).config().gate().trainingNoise()).isFalse();
  }

  @Test
  void load_trainingNoiseOutOfRangeOrMalformed_namesTheField() throws Exception {
    for (String bad :
        List.of(
            "  training_noise: {seeds: 1}",
            "  training_noise: {seeds: 50}",
            "  training_noise: {seeds: three}",
            "  training_noise: {}",
            "  training_noise: {seed: 3}",
            "  training_noise: 3")) {
      List<Problem> p = problems(VALID + "gate:\n" + bad + "\n");
      assertThat(p).as(bad).isNotEmpty();
      assertThat(p.get(0).render()).as(bad).contains("training_noise").contains("ml.yaml:9:");
    }
  }

  @Test
  void load_aWholeNumberBeyondALong_isRefusedWithItsLine_notAnInternalError() throws Exception {
    // networknt's minimum check converted -9.3e18 with asLong() and threw: "internal error".
    for (String seed : List.of("-9.3e18", "1e19", "1.5e300")) {
      List<Problem> p = problems(VALID + "  seed: " + seed + "\n");
      assertThat(p).as(seed).hasSize(1);
      assertThat(p.get(0).render())
          .as(seed)
          .contains("ml.yaml:8:")
          .contains("model.seed: ")
          .contains("is out of range: it is beyond a 64-bit integer");
    }
  }

  @Test
  void load_regression_defaultsToRegressionMetrics() throws Exception {
    MlConfig c =
        load(VALID.replace("classification", "regression").replace("logistic", "xgboost")).config();

    assertThat(c.metrics()).containsExactly("rmse", "mae", "r2");
    assertThat(c.model().params()).containsEntry("n_trees", 100L).containsEntry("threads", 1L);
  }

  @Test
  void load_misspeltKey_suggestsTheKeyWithItsLine() throws Exception {
    List<Problem> p = problems(VALID.replace("  target: y", "  target: y\n  missng: drop"));

    assertThat(p).hasSize(1);
    assertThat(p.get(0).line()).isEqualTo(6);
    assertThat(p.get(0).field()).isEqualTo("data.missng");
    assertThat(p.get(0).render())
        .contains("unknown key 'missng'")
        .contains("Did you mean 'missing'?");
  }

  @Test
  void load_keyInTheWrongSection_namesItsPlace() throws Exception {
    Problem p = problems(VALID.replace("  target: y", "  target: y\n  test_fraction: 0.3")).get(0);

    assertThat(p.field()).isEqualTo("data.test_fraction");
    assertThat(p.render())
        .contains("unknown key 'test_fraction'")
        .contains(
            "'test_fraction' belongs under data.split: write it as data.split.test_fraction.");
  }

  @Test
  void load_shortenedMetric_suggestsTheFullName() throws Exception {
    Problem p =
        problems(VALID + "gate:\n  rules:\n    - metric: auc\n      max_drop: 0.01\n").get(0);

    assertThat(p.field()).isEqualTo("gate.rules[0].metric");
    assertThat(p.render()).contains("unknown value 'auc'").contains("Did you mean 'roc_auc'?");
  }

  @Test
  void load_unknownTrainer_listsTheTrainersOfTheTask() throws Exception {
    Problem p = problems(VALID.replace("logistic", "logistc")).get(0);

    assertThat(p.render())
        .startsWith("ml.yaml:7:12: model.trainer:")
        .contains("unknown trainer 'logistc' for task classification")
        .contains("Did you mean 'logistic'?")
        .contains("Valid: logistic, logistic-sgd, linear-svm, cart, random-forest, xgboost");
  }

  @Test
  void load_external_readsCommandTimeoutAndPassesParamsThrough() throws Exception {
    MlConfig c =
        load(VALID.replace(
                "trainer: logistic",
                "trainer: external\n  command: python3 'my train.py' --fast\n  timeout: 90s\n"
                    + "  params: {n_estimators: 100, layers: [128, 64], opt: {name: adam}}"))
            .config();

    assertThat(c.model().isExternal()).isTrue();
    assertThat(c.model().command()).contains("python3 'my train.py' --fast");
    assertThat(c.model().timeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(c.model().params())
        .containsEntry("n_estimators", 100L)
        .containsEntry("layers", List.of(128L, 64L))
        .containsEntry("opt", java.util.Map.of("name", "adam"));
  }

  @Test
  void load_externalWithoutCommand_isRefused() throws Exception {
    List<Problem> p = problems(VALID.replace("trainer: logistic", "trainer: external"));

    assertThat(p).anyMatch(x -> x.render().contains("command"));
  }

  @Test
  void load_commandForMlcisOwnTrainer_isRefused() throws Exception {
    List<Problem> p =
        problems(VALID.replace("trainer: logistic", "trainer: logistic\n  command: python3 t.py"));

    assertThat(p).anyMatch(x -> x.render().contains("model.command"));
  }

  @Test
  void load_externalTimeoutWithoutUnit_isRefused() throws Exception {
    List<Problem> p =
        problems(
            VALID.replace(
                "trainer: logistic", "trainer: external\n  command: python3 t.py\n  timeout: 30"));

    assertThat(p).anyMatch(x -> x.render().contains("model.timeout"));
  }

  @Test
  void load_regressionTrainerForClassification_isRefused() throws Exception {
    Problem p = problems(VALID.replace("logistic", "linear")).get(0);

    assertThat(p.field()).isEqualTo("model.trainer");
    assertThat(p.render())
        .contains("'linear' is a regression trainer, but task is classification.")
        .contains(
            "use one of: logistic, logistic-sgd, linear-svm, cart, random-forest, xgboost, mlp, external"
                + " (or"
                + " change 'task')");
  }

  @Test
  void load_regressionMetricForClassification_saysWhichTaskItBelongsTo() throws Exception {
    Problem p = problems(VALID + "metrics: [accuracy, rmse]\n").get(0);

    assertThat(p.field()).isEqualTo("metrics[1]");
    assertThat(p.render()).contains("'rmse' is a regression metric, but task is classification.");
  }

  @Test
  void load_misspeltRequiredKey_isReportedOnceWithTheSuggestion() throws Exception {
    List<Problem> p = problems(VALID.replace("  target: y", "  targt: y"));

    assertThat(p).hasSize(1);
    assertThat(p.get(0).render())
        .contains("unknown key 'targt'")
        .contains("Did you mean 'target'?");
  }

  @Test
  void load_integerBeyondItsRange_isRefusedNotCrashed() throws Exception {
    assertThat(problems(SGD + "  params:\n    epochs: 3000000000\n").get(0).render())
        .contains("model.params.epochs: 3000000000 is out of range: it must be <= 100000");
    assertThat(problems(VALID + "  seed: 99999999999999999999\n").get(0).render())
        .contains("model.seed: 99999999999999999999 is out of range");
  }

  @Test
  void load_explicitTagOnANonNumber_isRefusedAtItsLine() throws Exception {
    Problem p = problems(SGD + "  params:\n    epochs: !!int abc\n").get(0);

    assertThat(p.line()).isEqualTo(9);
    assertThat(p.render()).contains("'abc' is tagged").contains("write a plain number");
  }

  @Test
  void load_numericPositiveClass_isAcceptedAsALabel() throws Exception {
    MlConfig c =
        load(VALID.replace(
                "  target: y", "  target: y\n  positive_class: 1\n  na_values: ['', -999]"))
            .config();

    assertThat(c.data().positiveClass()).hasValue("1");
    assertThat(c.data().naValues()).containsExactly("", "-999");
  }

  @Test
  void load_noDataFileAtAll_saysSoOnce() throws Exception {
    List<Problem> p =
        problems(
            VALID
                .replace("  path: data/d.csv\n", "")
                .replace("  target: y", "  target: y\n  split: {seed: 1}"));

    assertThat(p).hasSize(1);
    assertThat(p.get(0).render()).contains("no data file is given");
  }

  @Test
  void load_unknownParameter_listsTheValidOnes() throws Exception {
    Problem p = problems(SGD + "  params:\n    epocs: 3\n").get(0);

    assertThat(p.line()).isEqualTo(9);
    assertThat(p.render())
        .contains("unknown parameter 'epocs' for trainer logistic-sgd")
        .contains("Did you mean 'epochs'?")
        .contains(
            "Valid parameters here: epochs, learning_rate, optimizer, minibatch_size, shuffle");
  }

  @Test
  void load_wrongType_namesExpectedAndActual() throws Exception {
    Problem p = problems(SGD + "  params:\n    epochs: ten\n").get(0);

    assertThat(p.field()).isEqualTo("model.params.epochs");
    assertThat(p.render()).contains("expected an integer, got 'ten'");
  }

  @Test
  void load_testFractionOutOfRange_namesTheBounds() throws Exception {
    Problem p =
        problems(VALID.replace("  target: y", "  target: y\n  split:\n    test_fraction: 1.5"))
            .get(0);

    assertThat(p.field()).isEqualTo("data.split.test_fraction");
    assertThat(p.line()).isEqualTo(7);
    assertThat(p.render()).contains("1.5 is out of range: it must be < 1 and > 0");
  }

  @Test
  void load_missingRequiredKey_saysWhereToAddIt() throws Exception {
    Problem p = problems(VALID.replace("  target: y\n", "")).get(0);

    assertThat(p.render())
        .contains("the required key 'target' is missing under 'data'")
        .contains("add 'target:'");
  }

  @Test
  void load_pathAndTrainTogether_isRefused() throws Exception {
    Problem p =
        problems(VALID.replace("  target: y", "  target: y\n  train: a.csv\n  test: b.csv")).get(0);

    assertThat(p.render()).contains("'path' and 'train' are both given");
  }

  @Test
  void load_trainWithoutTest_isRefused() throws Exception {
    Problem p = problems(VALID.replace("  path: data/d.csv", "  train: a.csv")).get(0);

    assertThat(p.render()).contains("'train' is given without 'test'");
  }

  @Test
  void load_futureVersion_asksForUpgrade() throws Exception {
    Problem p = problems("version: 2\n" + VALID).get(0);

    assertThat(p.line()).isEqualTo(1);
    assertThat(p.render()).contains("unsupported format version 2").contains("upgrade mlci");
  }

  @Test
  void load_severalProblems_reportsAllInLineOrder() throws Exception {
    List<Problem> p =
        problems(
            VALID
                .replace("logistic", "logistc")
                .replace("task: classification", "task: clasification"));

    assertThat(p).extracting(Problem::line).isSorted();
    assertThat(p).extracting(Problem::field).contains("task");
  }

  @Test
  void load_duplicateKey_namesBothLines() throws Exception {
    Problem p = problems(VALID + "name: again\n").get(0);

    assertThat(p.render()).contains("the key 'name' appears twice (first on line 1)");
  }

  @Test
  void load_malformedYaml_pointsAtTheLine() throws Exception {
    Problem p = problems("name: demo\ntask: [classification\n").get(0);

    assertThat(p.line()).isGreaterThanOrEqualTo(2);
    assertThat(p.render()).contains("this is not valid YAML");
  }

  @Test
  void load_yamlBomb_isRefusedQuickly() throws Exception {
    StringBuilder bomb =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(p);
      for (int i = 0; i < 8; i++) {
        bomb.append(",*").append(p);
      }
      bomb.append("]\n");
    }
    long start = System.nanoTime();
    List<Problem> p = problems(bomb.toString());

    assertThat(p.get(0).render()).containsAnyOf("aliases", "expands to more than");
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }

  @Test
  void load_emptyFile_saysSo() throws Exception {
    assertThat(problems("").get(0).render()).contains("the file is empty");
  }

  @Test
  void load_missingFile_saysHowToCreateIt() {
    assertThatThrownBy(() -> new ConfigLoader(repo).load(repo.resolve("ml.yaml")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("ml.yaml: the config file does not exist")
        .hasMessageContaining("--config");
  }

  @Test
  void problemAt_defaultedKey_pointsAtNearestWrittenParent() throws Exception {
    LoadedConfig c = load(VALID);

    Problem p = c.problemAt("data.split.test_fraction", "m.", "f.");

    assertThat(p.line()).isEqualTo(4); // data: is on line 3; its value starts on line 4
    assertThat(c.isWritten("data.target")).isTrue();
    assertThat(c.isWritten("data.split")).isFalse();
  }
}
