package dev.mlci.core.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workflows and Jenkinsfiles people copy are the ones {@code mlci init} writes: every example
 * repository's files and every snippet in the docs marked {@code <!-- mlci init: FILE -->} are the
 * templates, rendered with the example's name.
 */
class TemplatesTest {
  private static final Pattern MARKED =
      Pattern.compile(
          "<!-- mlci init: (ml-pr\\.yml|ml-main\\.yml|Jenkinsfile)( excerpt)? -->\\R```\\w*\\R(.*?)```",
          Pattern.DOTALL);

  @Test
  void examples_useTheTemplates() throws IOException {
    List<String> checked = new ArrayList<>();
    for (Path example : examples()) {
      String name = example.getFileName().toString();
      boolean external = Files.readString(example.resolve("ml.yaml")).contains("trainer: external");
      for (Templates.File t : Templates.all()) {
        Path file = example.resolve(t.path());
        assertThat(file).as("every example has the CI files mlci init writes").isRegularFile();
        String rendered = Templates.render(t, name);
        String actual = Files.readString(file);
        if (!external) {
          assertThat(actual).as("%s is mlci init's %s", file, t).isEqualTo(rendered);
          checked.add(name + "/" + t.path());
        } else if (t != Templates.File.JENKINSFILE) {
          // Examples whose trainer is their own Python script add a Python set-up to the
          // workflows; the checkout, which needs no settings, is the templates'.
          assertThat(actual).as(file.toString()).contains(checkout(rendered));
        }
      }
    }
    assertThat(checked).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void markedDocSnippets_areTheTemplates() throws IOException {
    Path root = root();
    int snippets = 0;
    for (String doc : List.of("README.md", "docs/github-actions.md", "docs/jenkins.md")) {
      String text = Files.readString(root.resolve(doc)).replace("\r\n", "\n");
      Matcher m = MARKED.matcher(text);
      while (m.find()) {
        Templates.File t =
            Templates.all().stream()
                .filter(f -> f.path().endsWith(m.group(1)))
                .findFirst()
                .orElseThrow();
        String rendered = Templates.render(t, "breast-cancer");
        if (m.group(2) == null) {
          assertThat(m.group(3)).as("%s: the %s snippet", doc, t).isEqualTo(rendered);
        } else {
          assertThat(rendered).as("%s: the %s excerpt", doc, t).contains(m.group(3));
        }
        snippets++;
      }
    }
    assertThat(snippets).as("marked snippets in the docs").isGreaterThanOrEqualTo(3);
  }

  @Test
  void workflows_sayOnceThatTheCheckoutNeedsNoSettings() {
    for (Templates.File t : List.of(Templates.File.PR_WORKFLOW, Templates.File.MAIN_WORKFLOW)) {
      String w = Templates.raw(t);
      assertThat(w)
          .contains("The checkout needs no settings")
          .doesNotContain("fetch-depth: 0")
          .doesNotContain("git fetch");
    }
  }

  @Test
  void render_fillsTheName() {
    assertThat(Templates.render(Templates.File.JENKINSFILE, "churn"))
        .contains("mlci for the churn model")
        .contains("/churn:${env.BUILD_NUMBER}")
        .doesNotContain("{{");
  }

  private static String checkout(String workflow) {
    int start = workflow.indexOf("      # The checkout needs no settings");
    int end = workflow.indexOf("- uses: actions/checkout@v4\n", start);
    assertThat(start).isNotNegative();
    return workflow.substring(start, end + "- uses: actions/checkout@v4\n".length());
  }

  private static List<Path> examples() throws IOException {
    try (Stream<Path> dirs = Files.list(root().resolve("example-repos"))) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("ml.yaml"))).sorted().toList();
    }
  }

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("schema/ml.schema.json"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root").isNotNull();
    return dir;
  }
}
