package dev.mlci.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration mlci writes with: pretty-printed, keys in insertion order, a trailing
 * newline, so files diff well and are byte-reproducible.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value) + "\n";
  }

  public static void write(Path file, Object value) throws IOException {
    Files.writeString(file, write(value), StandardCharsets.UTF_8);
  }

  public static JsonNode read(Path file) throws IOException {
    return MAPPER.readTree(file.toFile());
  }
}
