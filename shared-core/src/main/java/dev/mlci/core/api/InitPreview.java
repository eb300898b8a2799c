package dev.mlci.core.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CSV {@code mlci init} would read, for a face to ask which column to predict.
 *
 * @param data the CSV
 * @param columns its columns, in header order
 * @param suggestedTarget a column named like a target ({@code target}, {@code label}, {@code
 *     class}, {@code y}, ...), else the last column
 */
public record InitPreview(Path data, List<String> columns, Optional<String> suggestedTarget) {
  public InitPreview {
    Objects.requireNonNull(data, "data");
    columns = List.copyOf(columns);
    Objects.requireNonNull(suggestedTarget, "suggestedTarget");
  }
}
