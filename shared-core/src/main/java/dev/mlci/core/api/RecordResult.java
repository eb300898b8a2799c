package dev.mlci.core.api;

import java.util.List;
import java.util.Optional;

/**
 * What {@code mlci baseline record} did.
 *
 * @param commit the commit the baseline note was written on
 * @param notesRef the notes ref
 * @param bytes size of the note
 * @param pushedTo the remote pushed to, if pushed
 * @param pushAttempts pushes it took (a rejected push is retried after merging the remote's notes)
 * @param warnings things the user should know
 */
public record RecordResult(
    String commit,
    String notesRef,
    long bytes,
    Optional<String> pushedTo,
    int pushAttempts,
    List<String> warnings) {
  public RecordResult {
    warnings = List.copyOf(warnings);
  }
}
