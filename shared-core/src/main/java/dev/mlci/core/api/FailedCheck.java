package dev.mlci.core.api;

import java.util.Objects;

/**
 * A serving-contract check an image failed, as faces report it.
 *
 * @param name the check, e.g. {@code predictions match the evaluation}
 * @param detail what was seen
 */
public record FailedCheck(String name, String detail) {
  public FailedCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }
}
