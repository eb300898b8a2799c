package dev.mlci.core.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a pipeline task did.
 *
 * @param task the task
 * @param summary one line for the log
 * @param verdict the gate's verdict ({@code gate} only)
 */
public record TaskResult(TaskOptions.Task task, String summary, Optional<String> verdict) {
  public TaskResult {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(verdict, "verdict");
  }
}
