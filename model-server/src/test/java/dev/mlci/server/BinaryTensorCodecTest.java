package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

class BinaryTensorCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JSON part with one input of {@code datatype} followed by {@code raw}. */
  private static byte[][] request(String datatype, byte[] raw) {
    String header =
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \""
            + datatype
            + "\", \"shape\": [2], \"parameters\": {\"binary_data_size\": "
            + raw.length
            + "}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    out.writeBytes(raw);
    return new byte[][] {out.toByteArray(), Integer.toString(h.length).getBytes()};
  }

  private static JsonNode data(String datatype, byte[] raw) throws BadRequest {
    byte[][] r = request(datatype, raw);
    return BinaryTensorCodec.decode(r[0], new String(r[1]), JSON)
        .path("inputs")
        .get(0)
        .path("data");
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void decode_moreElementsThanTheLimit_is413BeforeDecoding() throws Exception {
    byte[][] bools = request("BOOL", new byte[1000]);
    assertThatThrownBy(() -> BinaryTensorCodec.decode(bools[0], new String(bools[1]), JSON, 999))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("more than 999 elements");
    // 250 empty BYTES elements: each is its 4-byte length prefix alone.
    byte[][] empties = request("BYTES", new byte[1000]);
    assertThatThrownBy(
            () -> BinaryTensorCodec.decode(empties[0], new String(empties[1]), JSON, 249))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(413));
    assertThat(BinaryTensorCodec.decode(empties[0], new String(empties[1]), JSON, 250)).isNotNull();
  }

  @Test
  void decode_everyFixedSizeDatatype_littleEndian() throws Exception {
    assertThat(data("FP64", le(16).putDouble(1.25).putDouble(-3e300).array()).toString())
        .isEqualTo("[1.25,-3.0E300]");
    assertThat(data("FP32", le(8).putFloat(0.5f).putFloat(-2f).array()).toString())
        .isEqualTo("[0.5,-2.0]");
    assertThat(
            data("FP16", le(4).putShort((short) 0x3c00).putShort((short) 0xc100).array())
                .toString())
        .isEqualTo("[1.0,-2.5]");
    assertThat(data("INT64", le(16).putLong(-5).putLong(Long.MAX_VALUE).array()).toString())
        .isEqualTo("[-5," + Long.MAX_VALUE + "]");
    assertThat(data("INT32", le(8).putInt(-7).putInt(9).array()).toString()).isEqualTo("[-7,9]");
    assertThat(data("INT16", le(4).putShort((short) -2).putShort((short) 3).array()).toString())
        .isEqualTo("[-2,3]");
    assertThat(data("INT8", new byte[] {-1, 4}).toString()).isEqualTo("[-1,4]");
    assertThat(data("UINT64", le(16).putLong(-1).putLong(3).array()).toString())
        .isEqualTo("[18446744073709551615,3]");
    assertThat(data("UINT32", le(8).putInt(-1).putInt(3).array()).toString())
        .isEqualTo("[4294967295,3]");
    assertThat(data("UINT16", le(4).putShort((short) -1).putShort((short) 3).array()).toString())
        .isEqualTo("[65535,3]");
    assertThat(data("UINT8", new byte[] {-1, 3}).toString()).isEqualTo("[255,3]");
    assertThat(data("BOOL", new byte[] {1, 0}).toString()).isEqualTo("[true,false]");
  }

  @Test
  void decode_nanIsMissingAndInfinityStaysANumber() throws Exception {
    JsonNode d =
        data("FP64", le(16).putDouble(Double.NaN).putDouble(Double.POSITIVE_INFINITY).array());
    assertThat(d.get(0).isNull()).isTrue();
    assertThat(d.get(1).asDouble()).isInfinite();
    assertThat(data("FP32", le(8).putFloat(Float.NaN).putFloat(1f).array()).get(0).isNull())
        .isTrue();
  }

  @Test
  void halfToFloat_coversSubnormalsInfinityAndNan() {
    assertThat(BinaryTensorCodec.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(BinaryTensorCodec.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(BinaryTensorCodec.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(BinaryTensorCodec.halfToFloat((short) 0x7e00)).isNaN();
    assertThat(BinaryTensorCodec.halfToFloat((short) 0x8000)).isEqualTo(-0f);
  }

  @Test
  void decode_bytesElementsAreLengthPrefixedUtf8() throws Exception {
    byte[] a = "é".getBytes(StandardCharsets.UTF_8);
    byte[] raw = le(4 + a.length + 4).putInt(a.length).put(a).putInt(0).array();
    assertThat(data("BYTES", raw).toString()).isEqualTo("[\"é\",\"\"]");
  }

  @Test
  void decode_badParts_are400sNamingTheInput() {
    assertThatThrownBy(() -> data("BYTES", le(6).putInt(5).put((byte) 1).put((byte) 2).array()))
        .isInstanceOf(BadRequest.class)
        .hasMessageContaining("input 'x'")
        .hasMessageContaining("declares 5 bytes");
    assertThatThrownBy(() -> data("BYTES", le(5).putInt(1).put((byte) 0xff).array()))
        .hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> data("FP64", new byte[12])).hasMessageContaining("whole number");
    assertThatThrownBy(() -> data("COMPLEX", new byte[8])).hasMessageContaining("no binary form");
    byte[][] r = request("FP64", new byte[16]);
    assertThatThrownBy(() -> BinaryTensorCodec.decode(r[0], "9999", JSON))
        .hasMessageContaining("the body has");
    assertThatThrownBy(() -> BinaryTensorCodec.decode(r[0], "ten", JSON))
        .hasMessageContaining("Inference-Header-Content-Length");
    byte[] extra = java.util.Arrays.copyOf(r[0], r[0].length + 3);
    assertThatThrownBy(() -> BinaryTensorCodec.decode(extra, new String(r[1]), JSON))
        .hasMessageContaining("3 bytes follow");
    assertThatThrownBy(() -> BinaryTensorCodec.decode(r[0], "5", JSON))
        .hasMessageContaining("not a JSON object")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
  }

  @Test
  void decode_binaryDataSizeBeyond64Bits_isA400NotAnInternalError() {
    // Found by DecoderFuzzTest#binary: Jackson's asLong() threw JsonNodeException, a 500.
    String header =
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1],"
            + " \"parameters\": {\"binary_data_size\": 99999999999999999999}}]}";
    byte[] body =
        java.util.Arrays.copyOf(header.getBytes(StandardCharsets.UTF_8), header.length() + 8);
    assertThatThrownBy(
            () -> BinaryTensorCodec.decode(body, Integer.toString(header.length()), JSON))
        .isInstanceOf(BadRequest.class)
        .hasMessageContaining("input 'x'")
        .hasMessageContaining("binary_data_size must be a non-negative integer")
        .satisfies(e -> assertThat(((BadRequest) e).status()).isEqualTo(400));
  }

  @Test
  void encode_movesTheRequestedOutputsBehindTheHeader() throws Exception {
    ObjectNode response =
        (ObjectNode)
            JSON.readTree(
                "{\"model_name\":\"m\",\"outputs\":["
                    + "{\"name\":\"probabilities\",\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[0.25,0.75]},"
                    + "{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"b\"]}]}");
    JsonNode request =
        JSON.readTree(
            "{\"parameters\":{\"binary_data_output\":true},"
                + "\"outputs\":[{\"name\":\"label\",\"parameters\":{\"binary_data\":false}},"
                + "{\"name\":\"probabilities\"}]}");
    assertThat(BinaryTensorCodec.wantsBinary(request)).isTrue();
    BinaryTensorCodec.Encoded e = BinaryTensorCodec.encode(response, request, JSON);
    JsonNode header = JSON.readTree(java.util.Arrays.copyOf(e.body(), e.headerLength()));
    assertThat(header.path("outputs").get(0).has("data")).isFalse();
    assertThat(header.path("outputs").get(0).path("parameters").path("binary_data_size").asInt())
        .isEqualTo(16);
    assertThat(header.path("outputs").get(1).path("data").get(0).asString()).isEqualTo("b");
    ByteBuffer raw = ByteBuffer.wrap(e.body(), e.headerLength(), 16).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(raw.getDouble()).isEqualTo(0.25);
    assertThat(raw.getDouble()).isEqualTo(0.75);
    assertThat(e.body().length).isEqualTo(e.headerLength() + 16);
  }
}
