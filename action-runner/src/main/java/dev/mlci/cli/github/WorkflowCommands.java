package dev.mlci.cli.github;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * GitHub Actions' workflow commands and environment files: annotations ({@code ::error
 * file=...,line=...::}), masks, notices, step outputs ({@code $GITHUB_OUTPUT}) and the job summary
 * ({@code $GITHUB_STEP_SUMMARY}), with the escaping the runner expects.
 */
public final class WorkflowCommands {
  private final PrintWriter out;
  private final Optional<Path> outputFile;
  private final Optional<Path> summaryFile;
  private final boolean inActions;

  /**
   * @param out the step's standard output, where the runner reads workflow commands
   * @param outputFile {@code $GITHUB_OUTPUT}
   * @param summaryFile {@code $GITHUB_STEP_SUMMARY}
   * @param inActions whether a GitHub Actions runner reads {@code out}; elsewhere (Jenkins, a
   *     terminal) annotations are printed as plain lines and masks print nothing
   */
  public WorkflowCommands(
      PrintWriter out, Optional<Path> outputFile, Optional<Path> summaryFile, boolean inActions) {
    this.out = out;
    this.outputFile = outputFile;
    this.summaryFile = summaryFile;
    this.inActions = inActions;
  }

  /** Escapes a command's message: {@code %}, CR and LF. */
  static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** Escapes a command property's value: as data, plus {@code :} and {@code ,}. */
  static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }

  /** Where an annotation points: a file and, when known, a line and column. */
  public record Location(String file, int line, int column) {}

  /**
   * An annotation: {@code level} is {@code error}, {@code warning} or {@code notice}; the runner
   * shows it on the file's line in the pull request.
   */
  public void annotate(String level, Optional<Location> at, String title, String message) {
    Map<String, String> props = new LinkedHashMap<>();
    at.ifPresent(
        l -> {
          props.put("file", l.file());
          if (l.line() > 0) {
            props.put("line", Integer.toString(l.line()));
          }
          if (l.column() > 0) {
            props.put("col", Integer.toString(l.column()));
          }
        });
    if (!title.isEmpty()) {
      props.put("title", title);
    }
    if (!inActions) {
      StringBuilder plain = new StringBuilder(level).append(": ");
      at.ifPresent(
          l -> plain.append(l.file()).append(l.line() > 0 ? ":" + l.line() : "").append(": "));
      out.println(plain.append(title.isEmpty() ? "" : title + ": ").append(message));
      out.flush();
      return;
    }
    StringBuilder sb = new StringBuilder("::").append(level);
    String sep = " ";
    for (Map.Entry<String, String> p : props.entrySet()) {
      sb.append(sep).append(p.getKey()).append('=').append(escapeProperty(p.getValue()));
      sep = ",";
    }
    sb.append("::").append(escapeData(message));
    out.println(sb);
    out.flush();
  }

  /** Hides {@code secret} in the rest of the job's log. Blank values are ignored. */
  public void mask(String secret) {
    if (inActions && secret != null && !secret.isBlank()) {
      for (String line : secret.split("\\R")) {
        if (!line.isBlank()) {
          out.println("::add-mask::" + escapeData(line));
        }
      }
      out.flush();
    }
  }

  /** Sets a step output; multi-line values use a random heredoc delimiter. */
  public void output(String name, String value) throws IOException {
    if (outputFile.isEmpty()) {
      return;
    }
    String delimiter = "mlci_" + UUID.randomUUID().toString().replace("-", "");
    String entry = name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
    Files.writeString(
        outputFile.get(),
        entry,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Appends Markdown to the job summary. */
  public void summary(String markdown) throws IOException {
    if (summaryFile.isEmpty()) {
      return;
    }
    Files.writeString(
        summaryFile.get(),
        markdown.endsWith("\n") ? markdown : markdown + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
