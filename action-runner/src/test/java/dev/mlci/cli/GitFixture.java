package dev.mlci.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real ML repository under git for the gate's tests: a bare "origin" and working clones, built
 * with JGit, holding the breast-cancer example's data and an ml.yaml the tests vary.
 */
final class GitFixture implements AutoCloseable {
  /** A model of medium quality: five informative features. The branches improve or degrade it. */
  static final String BASE_FEATURES =
      "[mean texture, mean smoothness, mean symmetry, worst texture, worst smoothness]";

  static final String ALL_FEATURES = "";
  static final String WEAK_FEATURES = "[mean fractal dimension, smoothness error, symmetry error]";

  final Path root;
  final Path origin;

  GitFixture(Path root) throws IOException, GitAPIException {
    this.root = root;
    this.origin = root.resolve("origin.git");
    Git.init().setBare(true).setDirectory(origin.toFile()).setInitialBranch("main").call().close();
  }

  /** The ml.yaml with the given feature list (empty: all columns) and extra top-level YAML. */
  static String config(String features, String extra) {
    return "name: breast-cancer\n"
        + "task: classification\n"
        + "data:\n"
        + "  path: data/breast_cancer.csv\n"
        + "  target: diagnosis\n"
        + "  id: sample_id\n"
        + "  positive_class: malignant\n"
        + (features.isEmpty() ? "" : "  features: " + features + "\n")
        + "model:\n"
        + "  trainer: logistic\n"
        + "  seed: 42\n"
        + "  params:\n"
        + "    C: 1.0\n"
        + "gate:\n"
        + "  rules:\n"
        + "    - metric: roc_auc\n"
        + "      max_drop: 0.01\n"
        + "    - metric: accuracy\n"
        + "      max_drop: 0.02\n"
        + extra;
  }

  /** A working clone named {@code name} with main checked out (created on the first call). */
  Workdir clone(String name) throws Exception {
    Path dir = root.resolve(name);
    Git git;
    boolean empty;
    try (Git probe = Git.open(origin.toFile())) {
      empty = probe.getRepository().resolve("refs/heads/main") == null;
    }
    if (empty) {
      git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
      git.remoteAdd()
          .setName("origin")
          .setUri(new org.eclipse.jgit.transport.URIish(origin.toUri().toString()))
          .call();
    } else {
      git =
          Git.cloneRepository()
              .setURI(origin.toUri().toString())
              .setDirectory(dir.toFile())
              .setBranch("main")
              .call();
    }
    return new Workdir(dir, git);
  }

  @Override
  public void close() {}

  /** A working tree. */
  static final class Workdir implements AutoCloseable {
    final Path dir;
    final Git git;

    Workdir(Path dir, Git git) {
      this.dir = dir;
      this.git = git;
    }

    /** Writes ml.yaml (and the data, .gitignore) and commits; returns the commit id. */
    String commit(String message, String config) throws IOException, GitAPIException {
      return commit(message, config, true);
    }

    /** As above; without the breast-cancer data when {@code breastCancer} is false. */
    String commit(String message, String config, boolean breastCancer)
        throws IOException, GitAPIException {
      Path data = dir.resolve("data/breast_cancer.csv");
      if (breastCancer && !Files.exists(data)) {
        Files.createDirectories(data.getParent());
        Files.copy(
            Path.of(System.getProperty("mlci.examples"))
                .resolve("breast-cancer/data/breast_cancer.csv"),
            data);
        Files.writeString(dir.resolve(".gitignore"), "mlci-out/\n", StandardCharsets.UTF_8);
      }
      Files.writeString(dir.resolve("ml.yaml"), config, StandardCharsets.UTF_8);
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage(message)
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call()
          .name();
    }

    void branch(String name) throws GitAPIException {
      git.checkout().setCreateBranch(true).setName(name).call();
    }

    void checkout(String name) throws GitAPIException {
      git.checkout().setName(name).call();
    }

    void push(String branch) throws GitAPIException {
      git.push()
          .setRemote("origin")
          .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch))
          .call();
    }

    ObjectId head() throws IOException {
      return git.getRepository().resolve("HEAD");
    }

    /**
     * {@code mlci command DIR args} in this working tree; {@code command} may be two words
     * ("baseline record").
     */
    CliRun mlci(String command, String... args) {
      java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(command.split(" ")));
      all.add(dir.toString());
      all.add("--progress=none");
      all.addAll(java.util.List.of(args));
      return CliRun.of(all.toArray(String[]::new));
    }

    String gateJson() throws IOException {
      return Files.readString(dir.resolve("mlci-out/gate/gate.json"));
    }

    @Override
    public void close() {
      git.close();
    }
  }
}
