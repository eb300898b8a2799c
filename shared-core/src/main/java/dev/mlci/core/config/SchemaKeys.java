package dev.mlci.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Where each key of ml.yaml's schema may be written, as YAML paths ({@code
 * data.split.test_fraction}, {@code gate.rules[].metric}), so a key written in the wrong section
 * can be pointed to its place.
 */
final class SchemaKeys {
  private final Map<String, Set<String>> paths;

  private SchemaKeys(Map<String, Set<String>> paths) {
    this.paths = paths;
  }

  /** The keys of {@code schema}: its properties, nested objects, array items and conditionals. */
  static SchemaKeys of(JsonNode schema) {
    Map<String, Set<String>> paths = new TreeMap<>();
    walk(schema, "", paths);
    return new SchemaKeys(paths);
  }

  /** The places, other than {@code under}, where {@code key} is a valid key. */
  List<String> elsewhere(String key, String under) {
    List<String> out = new ArrayList<>();
    for (String path : paths.getOrDefault(key, Set.of())) {
      String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
      if (!parent.equals(under)) {
        out.add(path);
      }
    }
    return out;
  }

  private static void walk(JsonNode node, String path, Map<String, Set<String>> paths) {
    if (node == null || !node.isObject()) {
      return;
    }
    JsonNode properties = node.path("properties");
    for (String name : properties.propertyNames()) {
      String child = path.isEmpty() ? name : path + "." + name;
      paths.computeIfAbsent(name, k -> new TreeSet<>()).add(child);
      walk(properties.get(name), child, paths);
    }
    walk(node.get("items"), path + "[]", paths);
    for (String branch : List.of("then", "else")) {
      walk(node.get(branch), path, paths);
    }
    for (String list : List.of("allOf", "anyOf", "oneOf")) {
      for (JsonNode n : node.path(list)) {
        walk(n, path, paths);
      }
    }
  }
}
