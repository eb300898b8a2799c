package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import dev.mlci.core.eval.BundleFile;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.git.BaselineFinder;
import dev.mlci.core.git.GitNotes;
import dev.mlci.core.io.RegularFiles;
import dev.mlci.core.progress.ProgressListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the gate's baseline comes from, chosen by {@code --baseline}: the git notes of the target
 * branch (the default), a bundle file, a version in MLflow's model registry, or a rebuild of the
 * merge-base. Each source resolves to a {@link Baseline}: the bundle (none when the notes hold no
 * baseline) and how it was found, for the reports.
 *
 * <p>The sources hold no I/O of their own beyond git and files: retraining a commit and reading the
 * registry are the steps' work, handed in as the {@link Context}'s {@link Rebuilder} and {@link
 * RegistryReader}.
 */
public sealed interface BaselineSource
    permits BaselineSource.Notes,
        BaselineSource.File,
        BaselineSource.Registry,
        BaselineSource.Rebuild {
  /** The value of {@code --baseline} that retrains the merge-base. */
  String REBUILD = "rebuild";

  /**
   * The source {@code option} ({@code --baseline}) names: empty for the notes, {@value #REBUILD},
   * {@code models:/NAME@ALIAS} (or {@code /VERSION}), else a bundle file.
   *
   * @throws BadInputException when a registry reference names no model version
   */
  static BaselineSource of(Optional<String> option) throws BadInputException {
    String s = option.orElse("");
    if (s.equals(REBUILD)) {
      return new Rebuild();
    }
    if (s.startsWith(RegistryRef.PREFIX)) {
      return new Registry(RegistryRef.parse(s));
    }
    if (!s.isEmpty()) {
      return new File(Path.of(s));
    }
    return new Notes();
  }

  /** Finds the baseline. */
  Baseline resolve(Context context) throws MlciException;

  /**
   * A resolved baseline.
   *
   * @param bundle the baseline's evaluation; empty when none was found (the gate is then
   *     INCONCLUSIVE, or passes by its rules)
   * @param info where it came from, for the reports
   */
  record Baseline(Optional<EvaluationBundle> bundle, BaselineInfo info) {
    public Baseline {
      Objects.requireNonNull(bundle, "bundle");
      Objects.requireNonNull(info, "info");
    }
  }

  /** Trains and evaluates a commit in a temporary export of its files: a rebuilt baseline. */
  @FunctionalInterface
  interface Rebuilder {
    EvaluationBundle rebuild(String commit) throws MlciException;
  }

  /** Reads the evaluation artifact ({@value Registry#ARTIFACT}) of a registered model version. */
  @FunctionalInterface
  interface RegistryReader {
    byte[] evaluation(RegistryRef ref) throws MlciException;
  }

  /**
   * What the sources need.
   *
   * @param repository a directory inside the git repository
   * @param target the target branch
   * @param model the model's name ({@code name} in ml.yaml): a note of another model is passed over
   * @param config the gate's settings (how far to search, what to do without a baseline)
   * @param fetch whether missing history, branches and notes may be fetched from origin
   * @param env the environment (git credentials)
   * @param progress receives what is being done
   * @param rebuilder retrains a commit
   * @param registry reads a registered version's evaluation
   */
  record Context(
      Path repository,
      String target,
      String model,
      GateConfig config,
      boolean fetch,
      Map<String, String> env,
      ProgressListener progress,
      Rebuilder rebuilder,
      RegistryReader registry) {
    public Context {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(config, "config");
      env = Map.copyOf(env);
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(rebuilder, "rebuilder");
      Objects.requireNonNull(registry, "registry");
    }

    private BaselineFinder.Search search(int maxCommits) throws BadInputException {
      return BaselineFinder.find(
          repository, target, model, EvaluationBundle::nameOf, maxCommits, fetch, env);
    }
  }

  /**
   * The baseline recorded as a git note on the target branch: the nearest note of this model within
   * {@code gate.max_commits} first-parent commits of the merge-base; without one, a rebuild when
   * {@code gate.on_missing: rebuild}, else no baseline.
   */
  record Notes() implements BaselineSource {
    @Override
    public Baseline resolve(Context c) throws MlciException {
      GateConfig config = c.config();
      BaselineFinder.Search search = c.search(config.maxCommits());
      if (search.found().isPresent()) {
        BaselineFinder.Found found = search.found().get();
        EvaluationBundle bundle;
        try {
          bundle = EvaluationBundle.read(new ByteArrayInputStream(found.note()));
        } catch (IOException | IllegalArgumentException e) {
          throw new BadInputException(
              Problem.in(
                  "git notes " + GitNotes.REF,
                  "",
                  "the baseline note on "
                      + found.commit()
                      + " is not a readable bundle: "
                      + e.getMessage()
                      + ".",
                  Fix.of("record it again on the target branch ({}).", Step.RECORD_BASELINE)));
        }
        return new Baseline(
            Optional.of(bundle),
            new BaselineInfo(
                "note",
                Optional.of(found.commit()),
                "note on "
                    + BaselineInfo.abbreviate(found.commit())
                    + " ("
                    + (found.distance() == 0
                        ? search.startLabel(c.target())
                        : found.distance()
                            + " first-parent commits before "
                            + search.startLabel(c.target()))
                    + ")"));
      }
      if (config.onMissing() == GateConfig.OnMissing.REBUILD && search.start().isPresent()) {
        String at = search.start().get();
        c.progress()
            .info(
                "no recorded baseline on "
                    + c.target()
                    + "; rebuilding it at "
                    + BaselineInfo.abbreviate(at));
        return new Baseline(
            Optional.of(c.rebuilder().rebuild(at)),
            new BaselineInfo(
                "rebuild",
                Optional.of(at),
                "rebuilt at "
                    + BaselineInfo.abbreviate(at)
                    + " (no note within "
                    + config.maxCommits()
                    + " commits of "
                    + c.target()
                    + ")"));
      }
      String why =
          search.searched() > 0
              ? "no note within "
                  + search.searched()
                  + " first-parent commits of "
                  + c.target()
                  + " from "
                  + search.startLabel(c.target())
                  + " ("
                  + search.start().map(BaselineInfo::abbreviate).orElse("?")
                  + ")"
              : String.join(
                  "; ",
                  search.problems().isEmpty() ? List.of("no baseline found") : search.problems());
      if (!search.problems().isEmpty() && search.searched() > 0) {
        why += " (" + String.join("; ", search.problems()) + ")";
      }
      return new Baseline(Optional.empty(), BaselineInfo.none(why));
    }
  }

  /** A bundle file written by {@code mlci evaluate}, e.g. kept from a build of the target. */
  record File(Path path) implements BaselineSource {
    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public Baseline resolve(Context c) throws BadInputException {
      EvaluationBundle b =
          BundleFile.read(
              path,
              "cannot read the baseline bundle",
              Fix.of("pass a file written by {} ({}).", Step.EVALUATE, EvaluationBundle.FILE));
      return new Baseline(
          Optional.of(b),
          new BaselineInfo(
              "file",
              b.commit(),
              "file "
                  + RegularFiles.display(path)
                  + b.commit()
                      .map(cm -> " (commit " + BaselineInfo.abbreviate(cm) + ")")
                      .orElse("")));
    }
  }

  /** The evaluation of a version in MLflow's model registry, read from its run's artifacts. */
  record Registry(RegistryRef ref) implements BaselineSource {
    /** The evaluation bundle among a run's artifacts, as evaluate uploads it. */
    public static final String ARTIFACT = "eval/" + EvaluationBundle.FILE;

    public Registry {
      Objects.requireNonNull(ref, "ref");
    }

    @Override
    public Baseline resolve(Context c) throws MlciException {
      byte[] bytes = c.registry().evaluation(ref);
      EvaluationBundle b;
      try {
        b = EvaluationBundle.read(new ByteArrayInputStream(bytes));
      } catch (IOException | IllegalArgumentException e) {
        throw new BadInputException(
            Problem.in(
                ref + " (" + ARTIFACT + ")",
                "",
                "the registered version's evaluation is not readable: " + e.getMessage() + ".",
                Fix.of(
                    "register a version evaluated by this mlci ({}, then {}).",
                    Step.EVALUATE,
                    Step.REGISTER)));
      }
      return new Baseline(
          Optional.of(b),
          new BaselineInfo(
              "registry",
              b.commit(),
              ref
                  + b.commit()
                      .map(cm -> " (commit " + BaselineInfo.abbreviate(cm) + ")")
                      .orElse("")));
    }
  }

  /** The merge-base of HEAD and the target, trained and evaluated again with its own ml.yaml. */
  record Rebuild() implements BaselineSource {
    @Override
    public Baseline resolve(Context c) throws MlciException {
      BaselineFinder.Search search = c.search(1);
      String at =
          search
              .start()
              .orElseThrow(
                  () ->
                      new BadInputException(
                          Problem.in(
                              "git",
                              "",
                              "there is no merge-base of HEAD and "
                                  + c.target()
                                  + " to rebuild"
                                  + (search.problems().isEmpty()
                                      ? "."
                                      : " (" + String.join("; ", search.problems()) + ")."),
                              Fix.of(
                                  "run in a git checkout that has the target branch, or pass {}.",
                                  Option.BASELINE.is("FILE")))));
      return new Baseline(
          Optional.of(c.rebuilder().rebuild(at)),
          new BaselineInfo(
              "rebuild",
              Optional.of(at),
              "rebuilt at the merge-base "
                  + BaselineInfo.abbreviate(at)
                  + " of HEAD and "
                  + c.target()));
    }
  }
}
