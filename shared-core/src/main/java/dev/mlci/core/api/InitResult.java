package dev.mlci.core.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci init} wrote.
 *
 * @param written the files written, relative to the repository ({@code .gitignore} when a line was
 *     added)
 * @param name the model's name
 * @param task {@code classification} or {@code regression}, as guessed
 * @param target the column to predict
 * @param id the id column found, if any
 * @param categorical the columns guessed to hold categories
 * @param notes what to check or do next
 */
public record InitResult(
    List<String> written,
    String name,
    String task,
    String target,
    Optional<String> id,
    List<String> categorical,
    List<String> notes) {
  public InitResult {
    written = List.copyOf(written);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(id, "id");
    categorical = List.copyOf(categorical);
    notes = List.copyOf(notes);
  }
}
