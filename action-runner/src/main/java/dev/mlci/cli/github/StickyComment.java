package dev.mlci.cli.github;

import java.util.List;
import java.util.Optional;

/**
 * One pull-request comment per model that every run updates in place, instead of a new comment per
 * push: found by a hidden HTML marker and by its author being the token's user, so a comment that
 * quotes the marker is never overwritten.
 */
public final class StickyComment {
  /** GitHub's limit on a comment body, in characters. */
  public static final int LIMIT = 65_536;

  /** Whose comments are ours when the token cannot say (the Actions GITHUB_TOKEN). */
  static final String ACTIONS_BOT = "github-actions[bot]";

  private StickyComment() {}

  /** What happened. */
  public enum Outcome {
    CREATED,
    UPDATED,
    /** The token may not write comments (a fork pull request's read-only token). */
    READ_ONLY
  }

  /**
   * @param outcome what was done
   * @param comment the comment written, when one was
   * @param truncated whether the report was cut to fit the limit
   */
  public record Result(Outcome outcome, Optional<GitHubApi.Comment> comment, boolean truncated) {}

  /** The hidden marker of {@code model}'s comment. */
  static String marker(String model) {
    String safe = model.replace("--", "-").replace(">", "");
    return "<!-- mlci-report: " + safe + " -->";
  }

  /**
   * The comment body: the marker, then the report, cut at a line boundary to stay within {@link
   * #LIMIT} with a note saying where the full report is.
   */
  static String body(String model, String report, String fullReportHint) {
    String head = marker(model) + "\n";
    if (head.length() + report.length() <= LIMIT) {
      return head + report;
    }
    String note =
        "\n\n---\n*The report was cut to fit GitHub's "
            + LIMIT
            + "-character comment limit. "
            + fullReportHint
            + "*\n";
    int room = LIMIT - head.length() - note.length();
    int cut = report.lastIndexOf('\n', room);
    if (cut <= 0) {
      cut = room;
    }
    if (Character.isHighSurrogate(report.charAt(cut - 1))) {
      cut--;
    }
    return head + report.substring(0, cut) + note;
  }

  /** Creates or updates the comment of {@code model} on pull request {@code number}. */
  public static Result post(
      GitHubApi api,
      String repository,
      long number,
      String model,
      String report,
      String fullReportHint)
      throws GitHubApi.GitHubException, InterruptedException {
    String body = body(model, report, fullReportHint);
    boolean truncated = body.length() < marker(model).length() + 1 + report.length();
    String me = api.login().orElse(ACTIONS_BOT);
    List<GitHubApi.Comment> comments = api.comments(repository, number);
    Optional<GitHubApi.Comment> ours =
        comments.stream()
            .filter(c -> c.author().equals(me) && c.body().startsWith(marker(model)))
            .findFirst();
    try {
      if (ours.isPresent()) {
        return new Result(
            Outcome.UPDATED, Optional.of(api.update(repository, ours.get().id(), body)), truncated);
      }
      return new Result(
          Outcome.CREATED, Optional.of(api.create(repository, number, body)), truncated);
    } catch (GitHubApi.GitHubException e) {
      if (e.status() == 403 || e.status() == 404) {
        return new Result(Outcome.READ_ONLY, Optional.empty(), truncated);
      }
      throw e;
    }
  }
}
