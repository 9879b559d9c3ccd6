package io.cachecheck.decode.msgpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import io.cachecheck.decode.json.JsonReader;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MessagePack written by msgpack-core's packer and by Jackson's MessagePackFactory, read into the neutral tree. */
class MessagePackReaderTest {
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(1 << 20);
    private static final MessagePackReader READER = new MessagePackReader();

    public record Line(String sku, int qty, BigDecimal price) {
    }

    public record Order(long id, String status, double total, Long customerId, boolean paid, List<Line> lines, String note) {
    }

    private static JsonNode json(String text) throws Exception {
        return new JsonReader().read(text.getBytes(), LIMITS);
    }

    @Test
    void jacksonMessagePackFactory_readsAsTheSameTreeAsJson() throws Exception {
        Order order = new Order(1000, "shipped", 111185.2, null, true,
                List.of(new Line("A-1", 2, new BigDecimal("12.50"))), "caf\u00e9 \u2603");
        byte[] packed = new ObjectMapper(new MessagePackFactory()).writeValueAsBytes(order);

        JsonNode tree = READER.read(packed, LIMITS);

        // Jackson writes BigDecimal as a float64 in MessagePack: 12.50 is the double 12.5
        assertThat(tree).isEqualTo(json("{\"id\":1000,\"status\":\"shipped\",\"total\":111185.2,\"customerId\":null,\"paid\":true,"
                + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2,\"price\":12.5}],\"note\":\"caf\u00e9 \u2603\"}"));
    }

    @Test
    void packer_everyType_hasItsNeutralForm() throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(10);
        p.packString("int").packInt(-5);
        p.packString("long").packLong(1L << 40);
        p.packString("u64").packBigInteger(new BigInteger("18446744073709551615"));
        p.packString("f32").packFloat(0.1f);
        p.packString("f64").packDouble(0.1);
        p.packString("nil").packNil();
        p.packString("bin").packBinaryHeader(3).writePayload(new byte[] {1, 2, 3});
        p.packString("at").packTimestamp(Instant.parse("2025-03-31T03:34:16.100Z"));
        p.packInt(7).packString("integer key");
        p.packString("list").packArrayHeader(2).packBoolean(true).packString("x");
        p.close();

        JsonNode tree = READER.read(p.toByteArray(), LIMITS);

        assertThat(tree.get("int").intValue()).isEqualTo(-5);
        assertThat(tree.get("long").longValue()).isEqualTo(1L << 40);
        assertThat(tree.get("u64").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(tree.get("f32").decimalValue()).isEqualTo(new BigDecimal("0.1"));
        assertThat(tree.get("f64").decimalValue()).isEqualTo(new BigDecimal("0.1"));
        assertThat(tree.get("nil").isNull()).isTrue();
        assertThat(tree.get("bin").textValue()).isEqualTo("AQID");
        assertThat(tree.get("at").textValue()).isEqualTo("2025-03-31T03:34:16.100Z");
        assertThat(tree.get("7").textValue()).isEqualTo("integer key");
        assertThat(tree.get("list").toString()).isEqualTo("[true,\"x\"]");
    }

    @Test
    void hostileOrBrokenInput_isUndecodable_withoutReadingPastTheBytes() throws Exception {
        MessageBufferPacker dup = MessagePack.newDefaultBufferPacker();
        dup.packMapHeader(2).packString("a").packInt(1).packString("a").packInt(2).close();
        assertThatThrownBy(() -> READER.read(dup.toByteArray(), LIMITS)).hasMessage("duplicate-field");

        // an array32 header claiming 2^31-1 elements in a 5-byte value
        assertThatThrownBy(() -> READER.read(new byte[] {(byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, LIMITS))
                .hasMessage("msgpack: truncated data");
        // a str32 header claiming 2 GiB
        assertThatThrownBy(() -> READER.read(new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a'}, LIMITS))
                .hasMessage("msgpack: truncated data");
        byte[] deep = new byte[100];
        java.util.Arrays.fill(deep, (byte) 0x91); // 100 nested one-element arrays
        assertThatThrownBy(() -> READER.read(deep, LIMITS)).hasMessageStartingWith("too-large: MessagePack nesting deeper than 64");
        MessageBufferPacker two = MessagePack.newDefaultBufferPacker();
        two.packInt(1).packInt(2).close();
        assertThatThrownBy(() -> READER.read(two.toByteArray(), LIMITS)).hasMessageStartingWith("msgpack: 1 bytes after the value");
        MessageBufferPacker badUtf8 = MessagePack.newDefaultBufferPacker();
        badUtf8.packMapHeader(1).packString("k").packRawStringHeader(2).writePayload(new byte[] {(byte) 0xc3, 0x28}).close();
        assertThatThrownBy(() -> READER.read(badUtf8.toByteArray(), LIMITS)).hasMessage("not-utf8");
        MessageBufferPacker nan = MessagePack.newDefaultBufferPacker();
        nan.packDouble(Double.NaN).close();
        assertThatThrownBy(() -> READER.read(nan.toByteArray(), LIMITS)).isInstanceOf(UndecodableException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> READER.read(new byte[] {(byte) 0xc1}, LIMITS)).hasMessage("msgpack: not valid MessagePack data");
    }
}
