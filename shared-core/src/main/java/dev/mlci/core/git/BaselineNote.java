package dev.mlci.core.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of one commit's baseline note: a bundle per model, keyed by the model's name, so the
 * models of one repository (several ml.yaml files) keep their baselines side by side on the same
 * commit under the one ref {@value GitNotes#REF}.
 *
 * <p>Format ({@value #SCHEMA}): JSON, {@code {"schema": "mlci.baselines/v1", "models": {"NAME":
 * "BASE64 OF THE GZIP BUNDLE", ...}}}, names sorted so equal content is equal bytes. Inspect with
 * {@code git notes --ref=mlci show COMMIT | jq '.models | keys'}.
 *
 * <p>Notes written before this format hold one gzip bundle as they are ({@link #legacy()}); they
 * are read as the one model their bundle names, and become a keyed note when another model records
 * on the same commit.
 *
 * @param models each model's bundle bytes, by model name
 * @param legacy whether the note was one bare bundle (the format before {@value #SCHEMA})
 */
public record BaselineNote(Map<String, byte[]> models, boolean legacy) {
  /** Version of the format. */
  public static final String SCHEMA = "mlci.baselines/v1";

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  public BaselineNote {
    models = Collections.unmodifiableMap(new TreeMap<>(models));
    if (legacy && models.size() != 1) {
      throw new IllegalArgumentException("a legacy note holds one bundle, not " + models.size());
    }
  }

  /** An empty note. */
  public static BaselineNote empty() {
    return new BaselineNote(Map.of(), false);
  }

  /**
   * Parses a note.
   *
   * @param legacyName names the model of a note in the old format (one bare bundle): reads the
   *     bundle's name
   * @throws IOException naming what is wrong when the note is neither format
   */
  public static BaselineNote parse(byte[] note, Function<byte[], String> legacyName)
      throws IOException {
    if (note.length >= 2 && (note[0] & 0xff) == 0x1f && (note[1] & 0xff) == 0x8b) {
      String name;
      try {
        name = legacyName.apply(note);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new IOException("the note is an unreadable bundle: " + e.getMessage(), e);
      }
      return new BaselineNote(Map.of(name, note), true);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(note);
    } catch (JacksonException e) {
      throw new IOException(
          "the note is neither an mlci bundle nor " + SCHEMA + " JSON: " + e.getOriginalMessage(),
          e);
    }
    if (!root.path("schema").asString("").equals(SCHEMA) || !root.path("models").isObject()) {
      throw new IOException(
          "the note is not an mlci baseline note (expected schema '" + SCHEMA + "' with 'models')");
    }
    Map<String, byte[]> models = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("models").properties()) {
      if (!e.getValue().isString()) {
        throw new IOException("the note's model '" + e.getKey() + "' is not base64 text");
      }
      try {
        models.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asString()));
      } catch (IllegalArgumentException bad) {
        throw new IOException("the note's model '" + e.getKey() + "' is not valid base64", bad);
      }
    }
    return new BaselineNote(models, false);
  }

  /** The bundle of {@code model}, if the note has one. */
  public Optional<byte[]> bundle(String model) {
    return Optional.ofNullable(models.get(model));
  }

  /** This note with {@code model}'s bundle added or replaced; the other models' are kept. */
  public BaselineNote with(String model, byte[] bundle) {
    Map<String, byte[]> next = new TreeMap<>(models);
    next.put(model, bundle);
    return new BaselineNote(next, false);
  }

  /**
   * Both notes' models; for a model in both, {@code ours} wins (the note this build just wrote is
   * the newer one).
   */
  public static BaselineNote merge(BaselineNote ours, BaselineNote theirs) {
    Map<String, byte[]> next = new TreeMap<>(theirs.models);
    next.putAll(ours.models);
    return new BaselineNote(next, false);
  }

  /** The note's bytes in {@value #SCHEMA}. */
  public byte[] encode() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    ObjectNode m = root.putObject("models");
    models.forEach((name, bytes) -> m.put(name, Base64.getEncoder().encodeToString(bytes)));
    return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
