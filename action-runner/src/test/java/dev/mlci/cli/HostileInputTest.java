package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import dev.mlci.core.git.GitNotes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unlucky input at the CLI (issue 14): every case ends with the right exit code (2 for
 * input, 3 for the environment, never 1, which means a gate verdict), a message naming the file and
 * the fix, no stack trace, no hang, and nothing of the user's overwritten.
 */
class HostileInputTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  SampleRepo repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = new SampleRepo(tmp.resolve("repo"));
  }

  private static void assertClean(CliRun r, int exit) {
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(exit);
    assertThat(r.err())
        .contains("error: ")
        .doesNotContain("\tat ")
        .doesNotContain("This is a bug in mlci");
  }

  private static void mkfifo(Path p) throws Exception {
    Files.deleteIfExists(p);
    Process mk;
    try {
      mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    assertThat(mk.waitFor()).isZero();
  }

  // --- FIFOs and other non-regular files: refused, never a hang ---

  @Test
  void fifoAsConfig_isRefusedWithoutHanging() throws Exception {
    mkfifo(repo.dir.resolve("ml.yaml"));
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run"));
    assertClean(r, 2);
    assertThat(r.err()).contains("ml.yaml").contains("named pipe (FIFO)").contains("Fix: ");
  }

  @Test
  void fifoAsDataPath_isRefusedWithoutHanging() throws Exception {
    mkfifo(repo.dir.resolve("data/d.csv"));
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run"));
    assertClean(r, 2);
    assertThat(r.err()).contains("ml.yaml:").contains("data.path").contains("named pipe (FIFO)");
  }

  @Test
  void fifoAsBaseline_isRefusedWithoutHanging() throws Exception {
    assertThat(repo.run("run").exit()).isZero();
    Path fifo = tmp.resolve("baseline.mlci.gz");
    mkfifo(fifo);
    CliRun r =
        assertTimeoutPreemptively(LIMIT, () -> repo.run("gate", "--baseline", fifo.toString()));
    assertClean(r, 2);
    assertThat(r.err()).contains("baseline.mlci.gz").contains("named pipe (FIFO)");
  }

  @Test
  void deviceAsData_isRefused() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/zero.csv"));
    Files.createSymbolicLink(repo.dir.resolve("data/zero.csv"), Path.of("/dev/zero"));
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run"));
    assertClean(r, 2);
    assertThat(r.err()).contains("data/zero.csv");
  }

  // --- sizes checked before reading ---

  @Test
  void threeGigabyteConfig_isRefusedBeforeReading() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(repo.dir.resolve("ml.yaml").toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: costs no disk, and would cost 3 GB of heap to read
    }
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run"));
    assertClean(r, 2);
    assertThat(r.err()).contains("ml.yaml").contains("3221225472 bytes").contains("1 MiB");
  }

  @Test
  void csvWiderThanTheColumnLimit_isRefusedBeforeTraining() throws Exception {
    StringBuilder sb = new StringBuilder("id,label");
    for (int c = 0; c < 10_000; c++) {
      sb.append(",f").append(c);
    }
    sb.append('\n');
    for (int row = 0; row < 3; row++) {
      sb.append("r").append(row).append(',').append(row % 2 == 0 ? "a" : "b");
      sb.append(",1".repeat(10_000)).append('\n');
    }
    repo.data(sb.toString());
    repo.config(SampleRepo.CONFIG.replace("  categorical: [color]\n", ""));
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run"));
    assertClean(r, 2);
    assertThat(r.err())
        .contains("data/d.csv")
        .contains("more than 10000 columns")
        .contains("not loaded");
    assertThat(repo.out()).doesNotExist();
  }

  /** A gzip stream that opens a bundle's JSON, then inflates to {@code megabytes} MiB of spaces. */
  static byte[] whitespaceBomb(int megabytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write("{\"schema\":\"mlci.bundle/v1\",\"name\":".getBytes(StandardCharsets.UTF_8));
    }
    // Concatenated gzip members are one stream to a reader; one compressed MiB, repeated.
    ByteArrayOutputStream mib = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(mib)) {
      gz.write(" ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII));
    }
    for (int i = 0; i < megabytes; i++) {
      out.write(mib.toByteArray());
    }
    return out.toByteArray();
  }

  /** 300 million zeros as a prediction column: small compressed, gigabytes as objects. */
  static byte[] zerosBomb() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(
          "{\"schema\":\"mlci.bundle/v1\",\"predictions\":{\"ids\":["
              .getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "0,".repeat(1 << 19).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 300_000_000 / (1 << 19); i++) {
        gz.write(chunk);
      }
      gz.write("0]}}".getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void gzipBombAsBaselineFile_isABadInputNamingTheFile() throws Exception {
    assertThat(repo.run("run").exit()).isZero();
    for (var bomb : List.of(whitespaceBomb(300), zerosBomb())) {
      Path file = Files.write(tmp.resolve("bomb.mlci.gz"), bomb);
      CliRun r =
          assertTimeoutPreemptively(LIMIT, () -> repo.run("gate", "--baseline", file.toString()));
      assertClean(r, 2);
      assertThat(r.err()).contains("bomb.mlci.gz").contains("the limit");
    }
  }

  @Test
  void gzipBombInAPushedNote_isABadInputNamingTheNotesCommit() throws Exception {
    String first;
    String second;
    try (Git git = Git.init().setDirectory(repo.dir.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.dir.resolve(".gitignore"), "mlci-out/\n");
      git.add().addFilepattern(".").call();
      first =
          git.commit()
              .setMessage("one")
              .setAuthor("t", "t@e")
              .setCommitter("t", "t@e")
              .call()
              .name();
      Files.writeString(repo.dir.resolve("README"), "two\n");
      git.add().addFilepattern(".").call();
      second =
          git.commit()
              .setMessage("two")
              .setAuthor("t", "t@e")
              .setCommitter("t", "t@e")
              .call()
              .name();
      // As anyone who may push refs/notes/mlci could: a bomb as the previous commit's note.
      GitNotes.add(git.getRepository(), ObjectId.fromString(first), zerosBomb());
    }
    CliRun r = assertTimeoutPreemptively(LIMIT, () -> repo.run("run", "--target", "main"));
    assertClean(r, 2);
    assertThat(r.err()).contains(first).contains("the limit").doesNotContain(second);
  }

  // --- out of memory: exit 3 with sizes and the fix, never exit 1 ---

  @Test
  void csvLargerThanTheHeap_isExit3WithTheSizesAndTheFix() throws Exception {
    StringBuilder sb = new StringBuilder("id,x,y,color,label\n");
    for (int i = 0; i < 600_000; i++) {
      sb.append('r').append(i).append(",0.").append(i % 97).append(',').append(i % 7);
      sb.append(i % 3 == 0 ? ",red," : ",blue,").append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    repo.data(sb.toString());
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                repo.dir.toString(),
                "--progress=none")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(3);
    assertThat(output)
        .contains("not enough memory to read data/d.csv")
        .contains("600000 rows × 5 columns")
        .contains("MLCI_JAVA_OPTS=-Xmx")
        .doesNotContain("\tat ");
  }

  // --- git remotes that are not git ---

  @Test
  void remoteThatIsNoGitServer_isExit3NamingTheRemoteAndItsAnswer() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body = "<html>just a web page</html>".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/html");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
    try (Git git = Git.init().setDirectory(repo.dir.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.dir.resolve(".gitignore"), "mlci-out/\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@e").setCommitter("t", "t@e").call();
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/acme/model.git";
      git.remoteAdd().setName("origin").setUri(new URIish(url)).call();

      CliRun run = assertTimeoutPreemptively(LIMIT, () -> repo.run("run", "--target", "main"));
      assertThat(run.exit()).as(run.err()).isZero();
      CliRun push =
          assertTimeoutPreemptively(
              LIMIT,
              () ->
                  CliRun.of(
                      "baseline", "record", repo.dir.toString(), "--progress=none", "--push"));
      assertClean(push, 3);
      assertThat(push.err()).contains("origin (" + url + ")").contains("failed: ");
    } finally {
      server.stop(0);
    }
  }

  // --- secrets ---

  @Test
  void passwordInTarget_isNeverPrinted() throws Exception {
    for (String target :
        List.of(
            "registry://u:s3cr3tPw@host/x",
            "docker://u:s3cr3tPw@host/x",
            "u:s3cr3tPw@registry.example/x",
            "registry://ghp_s3cr3tPw@ghcr.io/x")) {
      CliRun r = repo.run("containerize", "--target", target);
      assertClean(r, 2);
      assertThat(r.out() + r.err()).doesNotContain("s3cr3tPw").contains("MLCI_REGISTRY_PASSWORD");
    }
    CliRun base = repo.run("containerize", "--base", "registry://me:s3cr3tPw@ghcr.io/x/y");
    assertClean(base, 2);
    assertThat(base.out() + base.err()).doesNotContain("s3cr3tPw");
    // Through --json too.
    CliRun json = repo.run("containerize", "--json", "--target", "registry://u:s3cr3tPw@h/x");
    assertThat(json.out() + json.err()).doesNotContain("s3cr3tPw");
  }

  // --- nothing of the user's is overwritten or deleted ---

  @Test
  void evalFolderOfTheUsers_withARunJson_isNeverReplaced() throws Exception {
    Path eval = Files.createDirectories(repo.out().resolve("eval"));
    Files.writeString(
        eval.resolve("run.json"), "{\"step\": \"evaluate\", \"mlci_version\": \"0.1.0\"}");
    Files.writeString(eval.resolve("notes.txt"), "my notes");

    CliRun r = repo.run("run");

    assertClean(r, 2);
    assertThat(r.err())
        .contains("mlci-out/eval")
        .contains("--out")
        .contains("choose another --out");
    assertThat(eval.resolve("notes.txt")).hasContent("my notes");
    assertThat(eval.resolve("run.json")).content().contains("mlci_version");
    assertThat(repo.out().resolve("model")).doesNotExist();
  }

  @Test
  void trackingJsonOfTheUsers_isNeverOverwritten() throws Exception {
    Files.createDirectories(repo.out());
    Files.writeString(repo.out().resolve("tracking.json"), "{\"mine\": true}");

    CliRun r = repo.run("run");

    assertClean(r, 2);
    assertThat(r.err()).contains("tracking.json").contains("--out");
    assertThat(repo.out().resolve("tracking.json")).hasContent("{\"mine\": true}");
  }

  @Test
  void mlcisOwnOutput_isReplacedOnTheNextRun() throws Exception {
    assertThat(repo.run("run").exit()).isZero();
    for (String d : List.of("model", "eval", "gate", "mlruns")) {
      assertThat(repo.out().resolve(d).resolve(".mlci-output")).exists();
    }
    CliRun again = repo.run("run");
    assertThat(again.exit()).as(again.err()).isZero();
    // A marker copied from elsewhere with other content proves nothing.
    Files.writeString(repo.out().resolve("gate/.mlci-output"), "mine\n");
    assertClean(repo.run("gate"), 2);
  }

  @Test
  void outUnderProc_saysWhy() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")));
    CliRun r = repo.run("train", "--out", "/proc/x");
    assertThat(r.exit()).as(r.err()).isIn(2, 3);
    assertThat(r.err())
        .contains("/proc/x")
        .doesNotContain("\tat ")
        .matches("(?s).*/proc/x[^\\n]*: [a-zA-Z].*");
  }

  // --- messages that name what to fix ---

  @Test
  void symlinkOutOfTheRepository_namesTheLinkAndItsTarget() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside.csv"), SampleRepo.csv());
    Files.delete(repo.dir.resolve("data/d.csv"));
    Files.createSymbolicLink(repo.dir.resolve("data/d.csv"), outside);

    CliRun r = repo.run("run");

    assertClean(r, 2);
    assertThat(r.err())
        .contains("data/d.csv")
        .contains("symbolic link")
        .contains(outside.toString());
  }

  @Test
  void verifyImage_withNoImage_saysWhatToRun() throws Exception {
    CliRun r = repo.run("verify-image");
    assertClean(r, 2);
    assertThat(r.err()).doesNotContain("No location information").contains("containerize");
    Files.createDirectories(repo.out().resolve("image"));
    Files.writeString(repo.out().resolve("image/image.json"), "");
    CliRun empty = repo.run("verify-image");
    assertClean(empty, 2);
    assertThat(empty.err()).doesNotContain("No location information").contains("image.json");
  }
}
