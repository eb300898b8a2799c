package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.io.RegularFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a run reads and writes: the ML repository, its config file and the output directory. Every
 * face builds one from the same three inputs ({@code DIR}, {@code --config}, {@code --out}).
 *
 * @param repository the ML repository ({@code DIR}); data must lie inside it
 * @param config the config file; default {@code DIR/}{@value #DEFAULT_CONFIG}
 * @param out the output directory; default {@code DIR/}{@value #DEFAULT_OUT}
 */
public record Workspace(Path repository, Path config, Path out) {
  /** The config file name looked for in the repository. */
  public static final String DEFAULT_CONFIG = "ml.yaml";

  /**
   * The output directory inside the repository. Visible (not a dot-directory) on purpose: CI
   * artifact uploaders such as actions/upload-artifact skip hidden files by default.
   */
  public static final String DEFAULT_OUT = "mlci-out";

  /** Subdirectory of {@code out} that holds the trained model. */
  public static final String MODEL_DIR = "model";

  /** Subdirectory of {@code out} that holds the evaluation. */
  public static final String EVAL_DIR = "eval";

  /** Subdirectory of {@code out} that holds the gate's reports. */
  public static final String GATE_DIR = "gate";

  /** Subdirectory of {@code out} that describes the built image and holds its deploy manifests. */
  public static final String IMAGE_DIR = "image";

  /** Subdirectory of {@code out} that holds the report of the image's contract check. */
  public static final String VERIFY_DIR = "verify";

  public Workspace {
    repository = repository.toAbsolutePath().normalize();
    config = config.toAbsolutePath().normalize();
    out = out.toAbsolutePath().normalize();
  }

  /**
   * Resolves the defaults. Relative {@code config} and {@code out} paths are taken relative to the
   * working directory, as on any command line.
   *
   * @throws BadInputException when {@code repository} is not a directory
   */
  public static Workspace of(Path repository, Optional<Path> config, Optional<Path> out)
      throws BadInputException {
    Objects.requireNonNull(repository, "repository");
    if (!Files.isDirectory(repository)) {
      throw new BadInputException(
          Problem.in(
              repository.toString(),
              "",
              Files.exists(repository)
                  ? "this is a file, not a directory."
                  : "this directory does not exist.",
              "give the ML repository's directory (the one holding ml.yaml), or '.' for the current one."));
    }
    Path outDir = out.orElse(repository.resolve(DEFAULT_OUT)).toAbsolutePath().normalize();
    for (Path p = outDir; p != null; p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new BadInputException(
            Problem.in(
                display(p),
                "",
                "the output directory "
                    + (p.equals(outDir) ? "is" : "would lie under")
                    + " a file.",
                Fix.of(
                    "pass {} a directory (it is created if missing), or remove the file.",
                    Suggestions.Option.OUT)));
      }
    }
    return new Workspace(repository, config.orElse(repository.resolve(DEFAULT_CONFIG)), outDir);
  }

  /** Where the trained model is written. */
  public Path modelDir() {
    return out.resolve(MODEL_DIR);
  }

  /** Where the evaluation is written. */
  public Path evalDir() {
    return out.resolve(EVAL_DIR);
  }

  /** Where the description of the built image and its deploy manifests are written. */
  public Path imageDir() {
    return out.resolve(IMAGE_DIR);
  }

  /** Where the report of the image's contract check is written. */
  public Path verifyDir() {
    return out.resolve(VERIFY_DIR);
  }

  /** {@code path} as the user should see it: relative to the working directory when below it. */
  public static String display(Path path) {
    return RegularFiles.display(path);
  }
}
