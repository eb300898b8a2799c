package dev.mlci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.data.ParquetFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlci train} and {@code mlci evaluate} end to end on compressed data: a {@code .csv.gz}
 * gives the model and the predictions (same ids, same values) the plain CSV gives, and a bad cell
 * inside it is exit 2 naming the file, line, row and column.
 */
class DataFormatsTest {
  @TempDir Path tmp;

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static String predictions(SampleRepo repo) throws IOException {
    return Files.readString(repo.out().resolve("eval/predictions.csv"));
  }

  /** The metrics object of metrics.json (the rest names the data file, which differs). */
  static String metrics(SampleRepo repo) throws IOException {
    String json = Files.readString(repo.out().resolve("eval/metrics.json"));
    int start = json.indexOf("\"metrics\"");
    return json.substring(start, json.indexOf('}', start));
  }

  private static void trainAndEvaluate(SampleRepo repo) {
    CliRun train = repo.run("train");
    assertThat(train.exit()).as(train.err()).isZero();
    CliRun evaluate = repo.run("evaluate");
    assertThat(evaluate.exit()).as(evaluate.err()).isZero();
  }

  @Test
  void csvGz_trainsAndEvaluatesLikeThePlainCsv() throws Exception {
    SampleRepo plain = new SampleRepo(tmp.resolve("plain"));
    trainAndEvaluate(plain);

    SampleRepo gz = new SampleRepo(tmp.resolve("gz"));
    Files.delete(gz.dir.resolve("data/d.csv"));
    gz.data("data/d.csv.gz", gzip(SampleRepo.csv()));
    gz.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/d.csv.gz"));
    trainAndEvaluate(gz);

    assertThat(predictions(gz)).isEqualTo(predictions(plain)).contains("r01");
    assertThat(metrics(gz)).isEqualTo(metrics(plain)).contains("accuracy");
  }

  @Test
  void csvGz_badCell_isExit2WithLineRowAndColumn() throws Exception {
    SampleRepo repo = new SampleRepo(tmp.resolve("repo"));
    repo.data("data/d.csv.gz", gzip(SampleRepo.withLine(5, "r03,abc,3,red,b")));
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/d.csv.gz"));

    CliRun r = repo.run("train");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("data/d.csv.gz:5: row 4, column 'x': 'abc' is not a number.")
        .contains("Fix: ")
        .doesNotContain("\tat ");
  }

  @Test
  void csvGz_thatIsNoGzip_isExit2() throws Exception {
    SampleRepo repo = new SampleRepo(tmp.resolve("repo"));
    repo.data("data/d.csv.gz", SampleRepo.csv().getBytes(StandardCharsets.UTF_8));
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/d.csv.gz"));

    CliRun r = repo.run("train");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("data/d.csv.gz: the compressed file cannot be decompressed");
  }

  /**
   * Converts {@code csv} to Parquet with pyarrow (csv_to_parquet.py) at {@code out} in the repo.
   */
  private static void parquet(SampleRepo repo, String csv, String out, String... options)
      throws Exception {
    Path work = Files.createTempDirectory(repo.dir.getParent(), "pq");
    ParquetFixture.write(work, csv, repo.dir.resolve(out), options);
  }

  private static void requirePyarrow() throws Exception {
    ParquetFixture.requirePyarrow();
  }

  @Test
  void parquetFolder_trainsAndEvaluatesLikeThePlainCsv() throws Exception {
    requirePyarrow();
    SampleRepo plain = new SampleRepo(tmp.resolve("plain"));
    trainAndEvaluate(plain);

    SampleRepo pq = new SampleRepo(tmp.resolve("pq"));
    Files.delete(pq.dir.resolve("data/d.csv"));
    parquet(pq, SampleRepo.csv(), "data/d", "--parts", "2");
    pq.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/d"));
    trainAndEvaluate(pq);

    assertThat(predictions(pq)).isEqualTo(predictions(plain)).contains("r01");
    assertThat(metrics(pq)).isEqualTo(metrics(plain));
  }

  @Test
  void parquet_badCell_isExit2WithPartFileRowAndColumn() throws Exception {
    requirePyarrow();
    SampleRepo repo = new SampleRepo(tmp.resolve("repo"));
    Files.delete(repo.dir.resolve("data/d.csv"));
    // Line 40 is row 39: row 9 of the second part (30 rows each).
    parquet(repo, SampleRepo.withLine(40, "r38,abc,3,red,a"), "data/d", "--parts", "2");
    repo.config(SampleRepo.CONFIG.replace("path: data/d.csv", "path: data/d"));

    CliRun r = repo.run("train");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("data/d/part-0001.parquet: row 9, column 'x': 'abc' is not a number.")
        .contains("Fix: ")
        .doesNotContain("\tat ");
    assertThat(repo.out()).doesNotExist();
  }
}
