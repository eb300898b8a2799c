package dev.mlci.bench;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.git.GitNotes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Storing and loading a baseline of 100,000 predictions (goal: under a second): writing the
 * evaluation bundle, reading it back, and adding it as a git note to a real repository, then
 * reading the note back. System property {@code mlci.bench.rows} sets another size (the quick mode
 * of bench/gate/run.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BundleBenchmark {
  static final int ROWS = Integer.getInteger("mlci.bench.rows", 100_000);

  private EvaluationBundle bundle;
  private byte[] bytes;
  private Path dir;
  private Repository repo;
  private ObjectId commit;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GitAPIException {
    SplittableRandom rng = new SplittableRandom(1);
    List<String> ids = new ArrayList<>(ROWS);
    int[] truth = new int[ROWS];
    int[] predicted = new int[ROWS];
    double[][] scores = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      ids.add("row-" + i);
      truth[i] = rng.nextInt(2);
      double p = rng.nextDouble();
      scores[i] = new double[] {1 - p, p};
      predicted[i] = p >= 0.5 ? 1 : 0;
    }
    bundle =
        new EvaluationBundle(
            "bench",
            "classification",
            Optional.of("a".repeat(40)),
            false,
            "d",
            "c",
            JsonNodeFactory.instance.objectNode(),
            Map.of("accuracy", 0.5),
            Map.of(),
            new ClassificationPredictions(
                ids, List.of("0", "1"), truth, predicted, scores, true, 1),
            List.of());
    bytes = write();
    System.out.println("bundle of " + ROWS + " rows: " + bytes.length + " bytes");
    dir = Files.createTempDirectory("mlci-bench-notes");
    Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    Files.writeString(dir.resolve("f"), "x");
    git.add().addFilepattern("f").call();
    commit =
        git.commit().setMessage("c").setAuthor("b", "b@b").setCommitter("b", "b@b").call().getId();
    repo = git.getRepository();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    repo.close();
    dev.mlci.core.io.AtomicDirectory.deleteRecursively(dir);
  }

  @Benchmark
  public byte[] write() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 21);
    bundle.write(out);
    return out.toByteArray();
  }

  @Benchmark
  public EvaluationBundle read() throws IOException {
    return EvaluationBundle.read(new ByteArrayInputStream(bytes));
  }

  @Benchmark
  public EvaluationBundle storeAsGitNoteAndLoadBack() throws IOException {
    GitNotes.add(repo, commit, write());
    return EvaluationBundle.read(
        new ByteArrayInputStream(GitNotes.read(repo, GitNotes.REF, commit).orElseThrow()));
  }
}
