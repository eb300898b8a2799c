package dev.mlci.format;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model predicts.
 *
 * @param name the target column
 * @param classes classification: the training classes in mlci's order (numeric order when every
 *     class is a number, else lexicographic); empty for regression
 * @param positiveClass binary classification: the class ROC AUC treats as positive (default {@code
 *     classes[1]})
 */
public record TargetSpec(String name, List<String> classes, Optional<String> positiveClass) {
  public TargetSpec {
    Objects.requireNonNull(name, "name");
    classes = List.copyOf(classes);
    Objects.requireNonNull(positiveClass, "positiveClass");
    if (positiveClass.isPresent() && !classes.contains(positiveClass.get())) {
      throw new IllegalArgumentException(
          "positive class " + positiveClass.get() + " is not one of " + classes);
    }
  }

  public boolean isClassification() {
    return !classes.isEmpty();
  }
}
