package dev.mlci.core.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Trainer parameters as validated by the schema (with declared defaults filled in), read by name.
 * Remembers which were read, so a test can prove every declared parameter reaches the trainer.
 */
final class Params {
  private final Map<String, Object> values;
  private final Set<String> read = new LinkedHashSet<>();

  Params(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  int integer(String name) {
    return Math.toIntExact(((Number) get(name)).longValue());
  }

  Optional<Integer> optionalInteger(String name) {
    read.add(name);
    Object v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(Math.toIntExact(((Number) v).longValue()));
  }

  double real(String name) {
    return ((Number) get(name)).doubleValue();
  }

  Optional<Double> optionalReal(String name) {
    read.add(name);
    Object v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(((Number) v).doubleValue());
  }

  List<Integer> integers(String name) {
    List<Integer> out = new ArrayList<>();
    for (Object o : (List<?>) get(name)) {
      out.add(Math.toIntExact(((Number) o).longValue()));
    }
    return List.copyOf(out);
  }

  boolean bool(String name) {
    return (Boolean) get(name);
  }

  String text(String name) {
    return (String) get(name);
  }

  private Object get(String name) {
    read.add(name);
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalStateException(
          "parameter '"
              + name
              + "' has no value and no declared default; fix schema/ml.schema.json");
    }
    return v;
  }

  /** Names read so far. */
  Set<String> read() {
    return Set.copyOf(read);
  }
}
