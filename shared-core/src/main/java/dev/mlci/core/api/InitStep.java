package dev.mlci.core.api;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.DidYouMean;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.init.ConfigDraft;
import dev.mlci.core.init.CsvSketch;
import dev.mlci.core.init.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code mlci init}: writes, for the repository it runs in, an {@code ml.yaml} drafted from a CSV's
 * header and first rows ({@link ConfigDraft}), the GitHub Actions workflows {@code
 * .github/workflows/ml-pr.yml} and {@code ml-main.yml} and a {@code Jenkinsfile} from mlci's
 * templates ({@link Templates}), and the {@code mlci-out/} line of {@code .gitignore}. It never
 * overwrites a file unless told to ({@code force}): when one exists it writes nothing and names
 * them all. The drafted ml.yaml is validated as {@code mlci run} would load it before anything is
 * written.
 */
public final class InitStep {
  /** Where the config goes. */
  public static final String CONFIG = "ml.yaml";

  private static final List<String> TARGET_NAMES =
      List.of("target", "label", "class", "y", "outcome", "diagnosis", "species", "price");

  private boolean called;

  public InitStep(StepContext context) {
    Objects.requireNonNull(context, "context");
  }

  /**
   * Finds and reads the CSV {@code init} would use, for a face that asks which column to predict.
   *
   * @throws BadInputException when there is no CSV, several, or it cannot be read as one
   */
  public static InitPreview preview(Path dir, Optional<Path> data) throws MlciException {
    Path repo = repository(dir);
    Path csv = data(repo, data);
    CsvSketch sketch = sketch(repo, csv);
    List<String> names = sketch.names();
    Optional<String> suggested = Optional.empty();
    for (String wanted : TARGET_NAMES) {
      suggested = names.stream().filter(n -> n.toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
      if (suggested.isPresent()) {
        break;
      }
    }
    if (suggested.isEmpty() && !names.isEmpty()) {
      suggested = Optional.of(names.get(names.size() - 1));
    }
    return new InitPreview(csv, names, suggested);
  }

  /**
   * Writes the files.
   *
   * @throws BadInputException for a missing or unreadable CSV, an unknown target, or files that
   *     exist (without {@code force})
   * @throws EnvironmentException when a file cannot be written
   */
  public InitResult call(InitOptions options) throws MlciException {
    if (called) {
      throw new IllegalStateException("InitStep runs once and has run; create a new one");
    }
    called = true;
    Path repo = repository(options.dir());
    Path csv = data(repo, options.data());
    CsvSketch sketch = sketch(repo, csv);
    String target = options.target();
    if (sketch.column(target).isEmpty()) {
      String hint =
          DidYouMean.suggest(target, sketch.names())
              .map(s -> "did you mean '" + s + "'? ")
              .orElse("");
      throw new BadInputException(
          Problem.in(
              Workspace.display(csv),
              target,
              "'" + target + "' is not a column of " + Workspace.display(csv) + ".",
              Fix.of(
                  hint + "set {} to one of its columns: " + String.join(", ", sketch.names()) + ".",
                  Option.TARGET_COLUMN)));
    }
    String dataPath = repo.relativize(csv).toString().replace('\\', '/');
    ConfigDraft draft =
        ConfigDraft.of(
            Optional.ofNullable(repo.getFileName()).map(Path::toString).orElse("model"),
            dataPath,
            sketch,
            target);
    if (draft.id().isEmpty() && sketch.columns().size() == 1) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(csv),
              target,
              "has no column besides the target '" + target + "' to learn from.",
              "add feature columns to the CSV."));
    }

    Map<String, String> files = new LinkedHashMap<>();
    files.put(CONFIG, draft.yaml());
    for (Templates.File t : Templates.all()) {
      files.put(t.path(), Templates.render(t, draft.name()));
    }
    List<String> existing = new ArrayList<>();
    for (String f : files.keySet()) {
      if (Files.exists(repo.resolve(f))) {
        existing.add(f);
      }
    }
    if (!existing.isEmpty() && !options.force()) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(repo),
              "",
              String.join(", ", existing)
                  + (existing.size() == 1 ? " exists" : " exist")
                  + "; mlci init never overwrites a file, and wrote nothing.",
              Fix.of(
                  "move "
                      + (existing.size() == 1 ? "it" : "them")
                      + " aside, or pass {} to overwrite "
                      + (existing.size() == 1 ? "it" : "them")
                      + ".",
                  Option.FORCE)));
    }
    validate(repo, draft.yaml());

    List<String> written = new ArrayList<>();
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        write(repo.resolve(f.getKey()), f.getValue());
        written.add(f.getKey());
      }
      if (ignore(repo.resolve(".gitignore"))) {
        written.add(".gitignore");
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write into " + Workspace.display(repo) + ": " + e.getMessage(), e);
    }
    List<String> notes = new ArrayList<>();
    if (!Files.exists(repo.resolve(".git"))) {
      notes.add(
          Workspace.display(repo)
              + " is not the root of a git repository: the gate compares commits, and the"
              + " workflows and the Jenkinsfile belong at a repository's root (git init)");
    }
    if (!draft.maybeCategorical().isEmpty()) {
      notes.add(
          "whole-number columns with few values are taken as numbers: "
              + String.join(", ", draft.maybeCategorical())
              + " (add them to data.categorical if they are codes)");
    }
    notes.add(
        "check the guesses in ml.yaml, then train, evaluate and gate here; commit ml.yaml, the"
            + " workflows (or the Jenkinsfile) and .gitignore");
    return new InitResult(
        written,
        draft.name(),
        draft.classification() ? "classification" : "regression",
        target,
        draft.id(),
        draft.categorical(),
        notes);
  }

  private static Path repository(Path dir) throws BadInputException {
    Path repo = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(repo)) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(repo),
              "",
              "is not a directory.",
              "name the repository to initialise (default: the current directory)."));
    }
    return repo;
  }

  private static Path data(Path repo, Optional<Path> data) throws BadInputException {
    if (data.isPresent()) {
      Path csv = data.get().toAbsolutePath().normalize();
      if (!Files.isRegularFile(csv)) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(csv),
                "",
                "is not a file.",
                Fix.of("name the CSV to train on with {}.", Option.DATA.is("data/train.csv"))));
      }
      if (!csv.startsWith(repo)) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(csv),
                "",
                "lies outside " + Workspace.display(repo) + ".",
                "put the data into the repository (CI checks out only the repository)."));
      }
      return csv;
    }
    List<Path> found;
    try (Stream<Path> walk = Files.walk(repo, 3)) {
      found =
          walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
              .filter(
                  p ->
                      !repo.relativize(p)
                          .toString()
                          .matches("(?s)(\\.git|mlci-out|node_modules)[/\\\\].*"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(repo),
              "",
              "cannot be searched for CSV files: " + e.getMessage(),
              Fix.of("name the CSV with {}.", Option.DATA.is("PATH"))));
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    throw new BadInputException(
        Problem.in(
            Workspace.display(repo),
            "",
            found.isEmpty()
                ? "there is no .csv file in " + Workspace.display(repo) + " (3 levels deep)."
                : "there are "
                    + found.size()
                    + " CSV files: "
                    + String.join(
                        ", ", found.stream().map(p -> repo.relativize(p).toString()).toList())
                    + ".",
            Fix.of("name the CSV to train on with {}.", Option.DATA.is("PATH"))));
  }

  private static CsvSketch sketch(Path repo, Path csv) throws MlciException {
    try {
      return CsvSketch.read(csv);
    } catch (CsvSketch.BadCsv e) {
      String source = Workspace.display(csv);
      throw new BadInputException(
          e.row() > 0
              ? Problem.atRow(
                  source,
                  e.row(),
                  "",
                  e.getMessage() + ".",
                  Fix.of("fix that row, or name another CSV with {}.", Option.DATA))
              : Problem.in(
                  source,
                  "",
                  e.getMessage() + ".",
                  Fix.of("name a CSV with a header row with {}.", Option.DATA)));
    } catch (IOException e) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(csv),
              "",
              "cannot be read: " + e.getMessage() + ".",
              Fix.of("name a readable UTF-8 CSV with {}.", Option.DATA)));
    }
  }

  /** Loads the drafted config as mlci run would: a draft that does not load is a bug of init. */
  private static void validate(Path repo, String yaml) throws MlciException {
    Path temp = null;
    try {
      temp = Files.createTempFile(repo, ".mlci-init-", ".yaml");
      Files.writeString(temp, yaml, StandardCharsets.UTF_8);
      new ConfigLoader(repo).load(temp);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write into " + Workspace.display(repo) + ": " + e.getMessage(), e);
    } catch (BadInputException e) {
      throw new IllegalStateException(
          "mlci init drafted an ml.yaml that does not load: " + e.getMessage() + "\n" + yaml, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // A leftover hidden temp file is harmless.
        }
      }
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), ".mlci-init-", ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Adds {@code mlci-out/} to {@code .gitignore} unless a line ignores it; true when it added. */
  private static boolean ignore(Path gitignore) throws IOException {
    String text =
        Files.exists(gitignore) ? Files.readString(gitignore, StandardCharsets.UTF_8) : "";
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (l.equals("mlci-out")
          || l.equals("mlci-out/")
          || l.equals("/mlci-out/")
          || l.equals("/mlci-out")) {
        return false;
      }
    }
    String add =
        (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
            + "# mlci's outputs (models, evaluations, reports)\n"
            + Templates.GITIGNORE_LINE
            + "\n";
    write(gitignore, text + add);
    return true;
  }
}
