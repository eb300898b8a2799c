package dev.mlci.server;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The binary tensor data extension of the V2 protocol, as Triton and KServe specify it
 * (triton-inference-server/server {@code docs/protocol/extension_binary_data.md}) and as their
 * Python clients use it by default.
 *
 * <p>A request whose {@code Inference-Header-Content-Length} header is present holds that many
 * bytes of JSON, followed by the raw data of each input whose {@code parameters.binary_data_size}
 * is given, in input order: little-endian fixed-size elements in row-major order, or for {@code
 * BYTES} each element as a 4-byte little-endian length followed by its bytes. {@link #decode} turns
 * such inputs into the JSON {@code data} arrays the rest of the server reads, so both encodings are
 * validated and scored by one code path. A NaN in a floating-point tensor is a missing value, as a
 * JSON {@code null} is.
 *
 * <p>A response output is binary when its requested output says {@code parameters.binary_data:
 * true}, or, for outputs without that parameter, when the request's {@code
 * parameters.binary_data_output} is true. {@link #encode} then writes the JSON header (such outputs
 * carry {@code parameters.binary_data_size} instead of {@code data}) followed by their raw data.
 */
final class BinaryTensorCodec {
  /** The header giving the length of the JSON part of a request or response. */
  static final String HEADER = "Inference-Header-Content-Length";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Element sizes of the fixed-size datatypes the extension defines. */
  private static final Map<String, Integer> SIZES =
      Map.ofEntries(
          Map.entry("BOOL", 1),
          Map.entry("UINT8", 1),
          Map.entry("UINT16", 2),
          Map.entry("UINT32", 4),
          Map.entry("UINT64", 8),
          Map.entry("INT8", 1),
          Map.entry("INT16", 2),
          Map.entry("INT32", 4),
          Map.entry("INT64", 8),
          Map.entry("FP16", 2),
          Map.entry("FP32", 4),
          Map.entry("FP64", 8));

  private BinaryTensorCodec() {}

  /**
   * The request's JSON with every binary input's raw data turned into a {@code data} array.
   *
   * @param body the whole (decompressed) request body
   * @param header the value of {@value #HEADER}
   * @throws BadRequest naming the input or the header when the parts do not fit together
   */
  static JsonNode decode(byte[] body, String header, ObjectMapper json) throws BadRequest {
    return decode(body, header, json, Long.MAX_VALUE);
  }

  /**
   * {@link #decode(byte[], String, ObjectMapper)}, refusing with 413 binary tensors of more than
   * {@code maxElements} elements in all, counted before any element is decoded: a binary body must
   * not decode into more than a JSON body of the same request may (its tokens are limited alike).
   */
  static JsonNode decode(byte[] body, String header, ObjectMapper json, long maxElements)
      throws BadRequest {
    long length;
    try {
      length = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest(
          400,
          HEADER
              + " must be the length of the JSON part in bytes, got '"
              + BadRequest.cut(header)
              + "'");
    }
    if (length < 0 || length > body.length) {
      throw new BadRequest(
          400,
          HEADER
              + " is "
              + length
              + ", but the body has "
              + body.length
              + " bytes; it must give the length of the JSON part at the start of the body");
    }
    JsonNode request;
    try {
      request = json.readTree(body, 0, (int) length);
    } catch (JacksonException e) {
      throw new BadRequest(
          400,
          "the first "
              + length
              + " bytes of the body ("
              + HEADER
              + ") are not a JSON object: "
              + BadRequest.cut(e.getOriginalMessage()));
    }
    if (request == null || !request.isObject()) {
      throw new BadRequest(
          400, "the JSON part of the body (" + HEADER + ") must be an object with 'inputs'");
    }
    int offset = (int) length;
    long elements = 0;
    for (JsonNode input : request.path("inputs")) {
      JsonNode size = input.path("parameters").path("binary_data_size");
      if (size.isMissingNode() || !input.isObject()) {
        continue;
      }
      String name = BadRequest.cut(input.path("name").asString(""));
      // canConvertToLong first: asLong() throws on an integer beyond 64 bits (found by fuzzing).
      if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
        throw new BadRequest(
            400,
            "input '" + name + "': parameters.binary_data_size must be a non-negative integer");
      }
      if (input.has("data")) {
        throw new BadRequest(
            400, "input '" + name + "' has both 'data' and parameters.binary_data_size; send one");
      }
      long n = size.asLong();
      if (n > body.length - offset) {
        throw new BadRequest(
            400,
            "input '"
                + name
                + "' declares binary_data_size "
                + n
                + ", but only "
                + (body.length - offset)
                + " bytes follow");
      }
      ByteBuffer raw = ByteBuffer.wrap(body, offset, (int) n).order(ByteOrder.LITTLE_ENDIAN);
      String datatype = BadRequest.cut(input.path("datatype").asString(""));
      elements += elementCount(datatype, raw);
      if (elements > maxElements) {
        throw new BadRequest(
            413,
            "the binary tensors hold more than "
                + maxElements
                + " elements, more than one request may decode on this server's heap; split it"
                + " into smaller requests");
      }
      ((ObjectNode) input).set("data", values(name, datatype, raw));
      offset += (int) n;
    }
    if (offset != body.length) {
      throw new BadRequest(
          400,
          (body.length - offset)
              + " bytes follow the binary inputs; the binary_data_size values and "
              + HEADER
              + " must add up to the body's length");
    }
    return request;
  }

  /**
   * How many elements {@code raw} holds, without decoding them: BYTES length prefixes are followed
   * (an element is at least its 4-byte prefix); other types divide by their size. Malformed data is
   * left to {@link #values} to name.
   */
  private static long elementCount(String datatype, ByteBuffer raw) {
    if (datatype.equals("BYTES")) {
      long count = 0;
      int at = raw.position();
      while (raw.limit() - at >= 4) {
        long len = Integer.toUnsignedLong(raw.getInt(at));
        at += 4;
        count++;
        if (len > raw.limit() - at) {
          break;
        }
        at += (int) len;
      }
      return count;
    }
    Integer size = SIZES.get(datatype);
    return size == null ? 0 : raw.remaining() / size;
  }

  private static ArrayNode values(String name, String datatype, ByteBuffer raw) throws BadRequest {
    ArrayNode out = F.arrayNode();
    if (datatype.equals("BYTES")) {
      int k = 0;
      while (raw.hasRemaining()) {
        if (raw.remaining() < 4) {
          throw new BadRequest(
              400, "input '" + name + "': BYTES element " + k + " has a truncated length prefix");
        }
        long len = Integer.toUnsignedLong(raw.getInt());
        if (len > raw.remaining()) {
          throw new BadRequest(
              400,
              "input '"
                  + name
                  + "': BYTES element "
                  + k
                  + " declares "
                  + len
                  + " bytes, only "
                  + raw.remaining()
                  + " remain");
        }
        ByteBuffer element = raw.slice(raw.position(), (int) len);
        raw.position(raw.position() + (int) len);
        try {
          CharBuffer text =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(element);
          out.add(text.toString());
        } catch (CharacterCodingException e) {
          throw new BadRequest(
              400, "input '" + name + "': BYTES element " + k + " is not UTF-8 text");
        }
        k++;
      }
      return out;
    }
    Integer size = SIZES.get(datatype);
    if (size == null) {
      throw new BadRequest(
          400,
          "input '"
              + name
              + "': datatype '"
              + datatype
              + "' has no binary form; use one of "
              + new TreeSet<>(SIZES.keySet())
              + " or BYTES");
    }
    if (raw.remaining() % size != 0) {
      throw new BadRequest(
          400,
          "input '"
              + name
              + "': "
              + raw.remaining()
              + " bytes is not a whole number of "
              + datatype
              + " elements ("
              + size
              + " bytes each)");
    }
    while (raw.hasRemaining()) {
      switch (datatype) {
        case "BOOL" -> out.add(raw.get() != 0);
        case "UINT8" -> out.add(Byte.toUnsignedInt(raw.get()));
        case "UINT16" -> out.add(Short.toUnsignedInt(raw.getShort()));
        case "UINT32" -> out.add(Integer.toUnsignedLong(raw.getInt()));
        case "UINT64" -> {
          long v = raw.getLong();
          out.add(
              v >= 0 ? F.numberNode(v) : F.numberNode(new BigInteger(Long.toUnsignedString(v))));
        }
        case "INT8" -> out.add(raw.get());
        case "INT16" -> out.add(raw.getShort());
        case "INT32" -> out.add(raw.getInt());
        case "INT64" -> out.add(raw.getLong());
        case "FP16" -> number(out, halfToFloat(raw.getShort()));
        case "FP32" -> number(out, raw.getFloat());
        default -> number(out, raw.getDouble());
      }
    }
    return out;
  }

  /** A NaN is a missing value (JSON null); infinities stay numbers, for the column to refuse. */
  private static void number(ArrayNode out, double v) {
    if (Double.isNaN(v)) {
      out.addNull();
    } else {
      out.add(v);
    }
  }

  /** IEEE 754 binary16 to binary32 (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      float value = mantissa / 1024f / 16384f; // subnormal: mantissa * 2^-24
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * Whether any output of the response to {@code request} is to be binary.
   *
   * @see #encode
   */
  static boolean wantsBinary(JsonNode request) {
    if (request.path("parameters").path("binary_data_output").asBoolean(false)) {
      return true;
    }
    for (JsonNode o : request.path("outputs")) {
      if (o.path("parameters").path("binary_data").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  /** A response: its body, and the length of its JSON part. */
  record Encoded(byte[] body, int headerLength) {}

  /**
   * {@code response} with the outputs {@code request} asks to be binary moved after the JSON part.
   */
  static Encoded encode(ObjectNode response, JsonNode request, ObjectMapper json) {
    boolean all = request.path("parameters").path("binary_data_output").asBoolean(false);
    List<byte[]> blobs = new ArrayList<>();
    for (JsonNode o : response.path("outputs")) {
      ObjectNode output = (ObjectNode) o;
      if (!binary(output.path("name").asString(""), request, all)) {
        continue;
      }
      byte[] raw = raw(output.path("datatype").asString(""), output.path("data"));
      output.remove("data");
      ObjectNode parameters =
          output.has("parameters")
              ? (ObjectNode) output.get("parameters")
              : output.putObject("parameters");
      parameters.put("binary_data_size", raw.length);
      blobs.add(raw);
    }
    byte[] header = json.writeValueAsBytes(response);
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(header.length + blobs.stream().mapToInt(b -> b.length).sum());
    out.writeBytes(header);
    blobs.forEach(out::writeBytes);
    return new Encoded(out.toByteArray(), header.length);
  }

  private static boolean binary(String output, JsonNode request, boolean all) {
    for (JsonNode o : request.path("outputs")) {
      if (o.path("name").asString("").equals(output)) {
        JsonNode flag = o.path("parameters").path("binary_data");
        return flag.isBoolean() ? flag.asBoolean() : all;
      }
    }
    return all;
  }

  /** The raw form of a response tensor's data; mlci's outputs are FP64 and BYTES. */
  private static byte[] raw(String datatype, JsonNode data) {
    if (datatype.equals("BYTES")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode v : data) {
        byte[] b = v.asString().getBytes(StandardCharsets.UTF_8);
        out.writeBytes(length.putInt(0, b.length).array());
        out.writeBytes(b);
      }
      return out.toByteArray();
    }
    if (!datatype.equals("FP64")) {
      throw new IllegalArgumentException("no binary form for output datatype " + datatype);
    }
    ByteBuffer out = ByteBuffer.allocate(data.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode v : data) {
      out.putDouble(v.asDouble());
    }
    return out.array();
  }
}
