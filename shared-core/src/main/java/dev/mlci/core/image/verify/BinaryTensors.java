package dev.mlci.core.image.verify;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client side of the V2 binary tensor data extension (Triton's {@code extension_binary_data}),
 * as {@code tritonclient} and the kserve SDK send it by default: a JSON part, whose length the
 * {@value #HEADER} header gives, followed by each binary input's raw little-endian data. Used by
 * {@link ServingContract} to check that a server reads and writes it.
 */
final class BinaryTensors {
  static final String HEADER = "Inference-Header-Content-Length";

  private BinaryTensors() {}

  /** A request body and the length of its JSON part. */
  record Body(byte[] bytes, int headerLength) {}

  /**
   * {@code request} (a V2 request whose inputs have no {@code data}) with each input's values
   * appended in binary: FP64 for {@code numeric} inputs ({@code null} or NaN as NaN), BYTES
   * otherwise ({@code null} as {@code "None"}, as numpy clients render it).
   */
  static Body request(ObjectNode request, List<List<Object>> values, ObjectMapper json) {
    List<byte[]> blobs = new ArrayList<>();
    int i = 0;
    for (JsonNode input : request.path("inputs")) {
      List<Object> v = values.get(i++);
      byte[] raw = input.path("datatype").asString("").equals("BYTES") ? bytes(v) : fp64(v);
      ((ObjectNode) input).putObject("parameters").put("binary_data_size", raw.length);
      blobs.add(raw);
    }
    byte[] header = json.writeValueAsBytes(request);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    blobs.forEach(out::writeBytes);
    return new Body(out.toByteArray(), header.length);
  }

  private static byte[] fp64(List<Object> values) {
    ByteBuffer out = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (Object v : values) {
      out.putDouble(v instanceof Double d ? d : Double.NaN);
    }
    return out.array();
  }

  private static byte[] bytes(List<Object> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object v : values) {
      byte[] b = (v == null ? "None" : v.toString()).getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /**
   * The outputs of a binary response, by name: FP64 outputs as {@code double[]}, BYTES as a list of
   * strings; outputs sent as JSON are read from their {@code data}.
   *
   * @throws IllegalArgumentException when the parts do not fit together
   */
  static Map<String, Object> outputs(JsonNode header, byte[] body, int headerLength) {
    Map<String, Object> out = new LinkedHashMap<>();
    int offset = headerLength;
    for (JsonNode o : header.path("outputs")) {
      String name = o.path("name").asString("");
      String datatype = o.path("datatype").asString("");
      JsonNode size = o.path("parameters").path("binary_data_size");
      if (size.isMissingNode()) {
        throw new IllegalArgumentException(
            "output '" + name + "' was asked for in binary but came as JSON: " + o);
      }
      int n = size.asInt();
      if (n < 0 || offset + n > body.length) {
        throw new IllegalArgumentException(
            "output '"
                + name
                + "' declares "
                + n
                + " bytes; "
                + (body.length - offset)
                + " remain");
      }
      ByteBuffer raw = ByteBuffer.wrap(body, offset, n).order(ByteOrder.LITTLE_ENDIAN);
      offset += n;
      if (datatype.equals("BYTES")) {
        List<String> strings = new ArrayList<>();
        while (raw.hasRemaining()) {
          int len = raw.getInt();
          byte[] b = new byte[len];
          raw.get(b);
          strings.add(new String(b, StandardCharsets.UTF_8));
        }
        out.put(name, strings);
      } else if (datatype.equals("FP64")) {
        double[] d = new double[n / 8];
        for (int k = 0; k < d.length; k++) {
          d[k] = raw.getDouble();
        }
        out.put(name, d);
      } else {
        throw new IllegalArgumentException("output '" + name + "' has datatype " + datatype);
      }
    }
    if (offset != body.length) {
      throw new IllegalArgumentException(
          (body.length - offset) + " bytes after the last binary output");
    }
    return out;
  }
}
