package dev.mlci.core.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine words what to do next through {@code Fix.of} and {@code Suggestions} (a step, an
 * option), so that Jenkins and Action users read their own terms: no string literal in the engine's
 * sources names a CLI command ({@code 'mlci train'}) or flag ({@code --baseline}). Exceptions: the
 * CLI's own phrasing, flags of other programs mlci runs or quotes, an option the user gave named as
 * the source of a problem ({@link #USER_GIVEN}), and the files other branches are rewriting this
 * round, which the integrator converts and removes from {@link #NOT_YET_CONVERTED}.
 */
class FixWordingTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/mlci/core");

  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern CLI_WORDS =
      Pattern.compile("'mlci [a-z][a-z -]*|(?<![\\w-])--[a-z][a-z-]+");

  /** Where CLI flags are the point: the CLI's phrasing of the semantic keys. */
  private static final Set<String> CLI_PHRASING = Set.of("errors/Suggestions.java");

  /** Flags of other programs, by the file that passes or quotes them. */
  private static final Map<String, Set<String>> OTHER_PROGRAMS =
      Map.of(
          "git/BaselineFinder.java",
          Set.of("--unshallow"),
          // git status, asked for the branch, commit and cleanliness of the working tree.
          "git/GitInfo.java",
          Set.of("--no-optional-locks", "--porcelain", "--branch", "--untracked-files", "--get"),
          "tracking/MlflowArtifacts.java",
          Set.of("--serve-artifacts"),
          "image/verify/ImageVerifier.java",
          Set.of("--name", "--network", "--tls-verify"),
          // The runner image's own CLI: the arguments of mlci's tasks in the pipelines it writes.
          "pipeline/KfpPipeline.java",
          Set.of(
              "--executor-input",
              "--executor-output",
              "--bundle",
              "--commit",
              "--config",
              "--data-digest",
              "--evaluation",
              "--metrics",
              "--classification-metrics",
              "--model",
              "--project",
              "--reports",
              "--repository",
              "--target-branch",
              "--verdict",
              "--workspace",
              "--base",
              "--image-target",
              "--image",
              "--allow-insecure-registries",
              "--mlflow-tracking-uri",
              "--tracking-in",
              "--tracking-out",
              "--alias",
              "--model-version"),
          "pipeline/KubernetesJob.java",
          Set.of(
              "--commit",
              "--config",
              "--data-digest",
              "--out",
              "--project",
              "--repository",
              "--workspace"),
          "pipeline/TrainJob.java",
          Set.of(
              "--commit",
              "--config",
              "--data-digest",
              "--out",
              "--project",
              "--repository",
              "--workspace"),
          "pipeline/RunnerImage.java",
          Set.of("--help"),
          // jlink's options, for the base image's runtime.
          "image/build/BaseImageBuilder.java",
          Set.of(
              "--add-modules",
              "--strip-debug",
              "--no-header-files",
              "--no-man-pages",
              "--compress",
              "--output"));

  /**
   * The option a user gave, named as the place a problem is in (its {@code source}) or as what
   * needs a server: it is what the user passed, not advice, so it stays the CLI's name (every face
   * runs the CLI with it, and a problem's source is one string for every face). Each fix that goes
   * with it is a {@code Fix.of} and speaks the face's language. Allowed as the whole literal only
   * (the flag alone, or the flag before the value), never inside a sentence.
   */
  private static final Map<String, Set<String>> USER_GIVEN =
      Map.of(
          // Problem.in("--baseline", ...): the models:/ reference the user gave is malformed.
          "gate/RegistryRef.java",
          Set.of("--baseline"),
          // Problem.in("--alias", ...): the alias the user gave is not one MLflow accepts.
          "api/RegisterStep.java",
          Set.of("--alias"),
          // Problem.in("--out", ...): the output directory the user gave holds what mlci did not
          // write.
          "api/StepOutput.java",
          Set.of("--out"),
          // "--baseline models:/... needs an MLflow tracking server": the reference the user gave.
          "api/GateStep.java",
          Set.of("--baseline "),
          // The runner image and the commit the user gave to mlci pipeline, and the arguments a
          // pipeline task was given (the source of a problem, as the pipeline passed them).
          "api/PipelineStep.java",
          Set.of("--image", "--commit", "--repository", "--image-target", "--claim"),
          "api/RunnerImageStep.java",
          Set.of("--base", "--jar", "--target"),
          // The KFP API server the user gave to run --on kfp, as the source of its answers.
          "api/KfpRunStep.java",
          Set.of("--kfp-endpoint", "--runner-image"),
          "api/TaskStep.java",
          Set.of(
              "--executor-input",
              "--commit",
              "--data-digest",
              "--evaluation",
              "--metrics",
              "--model",
              "--out",
              "--project",
              "--reports",
              "--repository",
              "--verdict",
              "--workspace",
              "--image",
              "--tracking-in",
              "--mlflow-tracking-uri"));

  /** Files not converted yet (none: keep it so). */
  private static final Set<String> NOT_YET_CONVERTED = Set.of();

  @Test
  void engineLiterals_nameNoCliCommandOrFlag() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String name = SOURCES.relativize(file).toString().replace('\\', '/');
        if (CLI_PHRASING.contains(name) || NOT_YET_CONVERTED.contains(name)) {
          continue;
        }
        Set<String> allowed = OTHER_PROGRAMS.getOrDefault(name, Set.of());
        Set<String> given = USER_GIVEN.getOrDefault(name, Set.of());
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
            continue;
          }
          Matcher literal = LITERAL.matcher(line);
          while (literal.find()) {
            if (given.contains(literal.group(1))) {
              continue;
            }
            Matcher words = CLI_WORDS.matcher(literal.group(1));
            while (words.find()) {
              if (!allowed.contains(words.group())) {
                found.add(name + ":" + (i + 1) + ": " + words.group());
              }
            }
          }
        }
      }
    }
    assertThat(found)
        .as("write Fix.of(\"... {} ...\", Step.X / Option.Y) instead of the CLI's words")
        .isEmpty();
  }

  @Test
  void theScan_seesTheEngineSources() {
    assertThat(SOURCES.resolve("errors/Problem.java")).exists();
  }
}
