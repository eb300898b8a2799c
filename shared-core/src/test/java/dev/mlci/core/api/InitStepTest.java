package dev.mlci.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlci init} on the example repositories' CSVs, and on bad input. */
class InitStepTest {
  @TempDir Path tmp;

  private static InitResult init(Path repo, String data, String target, boolean force)
      throws Exception {
    return new InitStep(StepContext.of(ProgressListener.NONE, Clock.systemUTC(), Map.of()))
        .call(new InitOptions(repo, Optional.ofNullable(data).map(repo::resolve), target, force));
  }

  private Path repoWith(String example, String csv) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve(example).resolve("data"));
    Path examples = Path.of("../example-repos").toAbsolutePath().normalize();
    Files.copy(examples.resolve(example).resolve("data").resolve(csv), repo.resolve(csv));
    return repo.getParent();
  }

  @Test
  void binaryCsv_givesAClassificationConfigThatLoads() throws Exception {
    Path repo = repoWith("breast-cancer", "breast_cancer.csv");
    InitResult r = init(repo, null, "diagnosis", false);

    assertThat(r.task()).isEqualTo("classification");
    assertThat(r.id()).contains("sample_id");
    assertThat(r.categorical()).isEmpty();
    assertThat(r.written())
        .containsExactly(
            "ml.yaml",
            ".github/workflows/ml-pr.yml",
            ".github/workflows/ml-main.yml",
            "Jenkinsfile",
            ".gitignore");
    Plan plan = Mlci.plan(Workspace.of(repo, Optional.empty(), Optional.empty()));
    assertThat(plan.name()).isEqualTo("breast-cancer");
    assertThat(Files.readString(repo.resolve("ml.yaml")))
        .contains("path: data/breast_cancer.csv", "metric: roc_auc");
  }

  @Test
  void multiclassAndRegression_getTheirTasksAndRules() throws Exception {
    Path iris = repoWith("iris", "iris.csv");
    InitResult r = init(iris, "data/iris.csv", "species", false);
    assertThat(r.task()).isEqualTo("classification");
    assertThat(Files.readString(iris.resolve("ml.yaml")))
        .contains("metric: accuracy")
        .doesNotContain("roc_auc");

    Path diabetes = repoWith("diabetes", "diabetes.csv");
    r = init(diabetes, null, "progression", false);
    assertThat(r.task()).isEqualTo("regression");
    assertThat(r.id()).contains("patient_id");
    assertThat(Files.readString(diabetes.resolve("ml.yaml")))
        .contains("trainer: linear", "metric: rmse");
  }

  @Test
  void textColumns_areCategoricalAndMissingCellsImputed() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("shop"));
    Files.writeString(
        repo.resolve("orders.csv"),
        "order_id,color,amount,returned\n1,red,10.5,no\n2,blue,,yes\n3,red,7.25,no\n4,green,3,no\n");
    InitResult r = init(repo, null, "returned", false);

    assertThat(r.categorical()).containsExactly("color");
    assertThat(r.id()).contains("order_id");
    assertThat(Files.readString(repo.resolve("ml.yaml")))
        .contains("categorical: [color]", "missing: impute-mean");
    Mlci.plan(Workspace.of(repo, Optional.empty(), Optional.empty()));
  }

  @Test
  void existingFiles_areNeverOverwrittenWithoutForce() throws Exception {
    Path repo = repoWith("iris", "iris.csv");
    Files.writeString(repo.resolve("Jenkinsfile"), "// mine\n");
    Files.writeString(repo.resolve(".gitignore"), "build/");

    assertThatThrownBy(() -> init(repo, null, "species", false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("Jenkinsfile exists")
        .hasMessageContaining("wrote nothing")
        .hasMessageContaining("--force");
    assertThat(repo.resolve("Jenkinsfile")).hasContent("// mine");
    assertThat(repo.resolve("ml.yaml")).doesNotExist();

    init(repo, null, "species", true);
    assertThat(repo.resolve("Jenkinsfile")).content().contains("mlci for the iris model");
    assertThat(repo.resolve(".gitignore")).content().startsWith("build/\n").endsWith("mlci-out/\n");
    // Run again with force: .gitignore keeps one mlci-out/ line.
    init(repo, null, "species", true);
    assertThat(Files.readString(repo.resolve(".gitignore")).split("mlci-out/", -1)).hasSize(2);
  }

  @Test
  void badInput_namesTheFileRowAndFix() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("bad"));
    assertThatThrownBy(() -> init(repo, null, "y", false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no .csv file")
        .hasMessageContaining("--data PATH");

    Files.writeString(repo.resolve("a.csv"), "x,y\n1,2\n3\n");
    assertThatThrownBy(() -> init(repo, null, "y", false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("a.csv")
        .hasMessageContaining("row 3 has 1 fields where the header has 2");

    Files.writeString(repo.resolve("a.csv"), "x,label\n1,a\n3,b\n");
    assertThatThrownBy(() -> init(repo, null, "lable", false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'lable' is not a column")
        .hasMessageContaining("did you mean 'label'")
        .hasMessageContaining("--target");
    assertThat(repo.resolve("ml.yaml")).doesNotExist();

    Files.writeString(repo.resolve("b.csv"), "x,label\n1,a\n");
    assertThatThrownBy(() -> init(repo, null, "label", false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("2 CSV files: a.csv, b.csv");
  }
}
