package dev.mlci.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Parquet fixtures written by pyarrow ({@code csv_to_parquet.py}), a writer nobody here wrote, for
 * the engine's and the CLI's Parquet tests (the CLI's through this module's test jar).
 */
public final class ParquetFixture {
  private ParquetFixture() {}

  /** Skips (or, with {@code MLCI_REQUIRE_PYTHON}, fails) when python3 with pyarrow is missing. */
  public static void requirePyarrow() throws InterruptedException {
    String why;
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import pyarrow.parquet")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      why = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
    } catch (IOException e) {
      why = e.getMessage();
    }
    if (why != null) {
      String message =
          "SKIPPED: python3 with pyarrow writes the Parquet fixtures ("
              + why
              + "). Install: python3 -m pip install -r .ci/requirements.txt";
      if (System.getenv("MLCI_REQUIRE_PYTHON") != null) {
        throw new AssertionError(message);
      }
      System.out.println(message);
      Assumptions.abort(message);
    }
  }

  /**
   * Writes {@code csv} into {@code work} and converts it with pyarrow to {@code out}, a file or
   * (with the script's options) a folder of part files.
   */
  public static Path write(Path work, String csv, Path out, String... options)
      throws IOException, InterruptedException {
    Path script = work.resolve("csv_to_parquet.py");
    try (InputStream in = ParquetFixture.class.getResourceAsStream("csv_to_parquet.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path src = Files.writeString(work.resolve("src.csv"), csv);
    List<String> cmd =
        new ArrayList<>(List.of("python3", script.toString(), src.toString(), out.toString()));
    cmd.addAll(Arrays.asList(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).as(log).isTrue();
    return out;
  }
}
