package dev.mlci.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A small, valid ML repository in a temporary directory, for tests to break one thing at a time.
 */
final class SampleRepo {
  static final String CONFIG =
      """
      name: sample
      task: classification
      data:
        path: data/d.csv
        target: label
        id: id
        categorical: [color]
      model:
        trainer: logistic
        params:
          max_iter: 100
      """;

  final Path dir;

  SampleRepo(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("data"));
    config(CONFIG);
    data(csv());
  }

  /** 60 rows; the label follows x, so any split has both classes on both sides. */
  static String csv() {
    StringBuilder sb = new StringBuilder("id,x,y,color,label\n");
    for (int i = 0; i < 60; i++) {
      double x = (i % 10) / 10.0 + (i % 2 == 0 ? 1.0 : -1.0);
      sb.append(
          String.format(
              Locale.ROOT,
              "r%02d,%.2f,%d,%s,%s%n",
              i,
              x,
              i % 7,
              i % 3 == 0 ? "red" : "blue",
              i % 2 == 0 ? "a" : "b"));
    }
    return sb.toString();
  }

  SampleRepo config(String yaml) throws IOException {
    Files.writeString(dir.resolve("ml.yaml"), yaml, StandardCharsets.UTF_8);
    return this;
  }

  SampleRepo data(String csv) throws IOException {
    return data("data/d.csv", csv.getBytes(StandardCharsets.UTF_8));
  }

  SampleRepo data(String path, byte[] bytes) throws IOException {
    Files.createDirectories(dir.resolve(path).getParent());
    Files.write(dir.resolve(path), bytes);
    return this;
  }

  /** The data with line {@code line} (1-based, 1 is the header) replaced. */
  static String withLine(int line, String replacement) {
    String[] lines = csv().split("\n", -1);
    lines[line - 1] = replacement;
    return String.join("\n", lines);
  }

  CliRun run(String command, String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = command;
    args[1] = dir.toString();
    args[2] = "--progress=none";
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliRun.of(args);
  }

  Path out() {
    return dir.resolve("mlci-out");
  }
}
