package io.cachecheck.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.Decoded;
import io.cachecheck.error.ContractException;
import io.cachecheck.source.SourceRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decode chain as a contract declares it: parsing, decoding through it, and what a wrong declaration says. */
class DecodeChainTest {
    private static final String HEAD = """
            cache: {url: "redis://127.0.0.1:6379"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1/test"}
            tenants: {sql: "SELECT tenant_id FROM tenants"}
            namespaces:
            """;

    private static Namespace namespace(String valueType, String decode, String fields) {
        return ContractLoader.withEnvironment(k -> null).parse(HEAD + """
                  - name: o
                    keyPattern: "t:{tenant_id}:o:{id}"
                    valueType: %s
                    %s
                    sql: "SELECT * FROM o WHERE tenant_id = :tenant_id AND id IN (:id)"
                    %s
                """.formatted(valueType, decode == null ? "" : "decode: " + decode, fields)).namespace("o");
    }

    private static Namespace json(String decode) {
        return namespace("json", decode, "fields: {id: id, total: total}");
    }

    private static Decoded text(Namespace ns, byte[] bytes) {
        return CachedValueDecoder.decode(ns, new CachedValue.Text(bytes), 1 << 20);
    }

    private static SourceRow row(long id, String total) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", BigDecimal.valueOf(id));
        m.put("total", total == null ? null : new BigDecimal(total));
        return new SourceRow(m);
    }

    public static class Order {
        public long id = 1000;
        public BigDecimal total = new BigDecimal("12.50");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[jsn]|decode[0]: unknown decode step 'jsn'; use one of gzip, zlib, deflate, lz4, snappy, zstd, json, msgpack, java, php, pickle, jackson-typed, envelope, hashField (did you mean json?)",
            "[json, gzip]|decode[1]: 'gzip' decompresses bytes, so it goes before the reader 'json'",
            "[jackson-typed, json]|decode[0]: 'jackson-typed' works on a read value, so it goes after a reader such as json",
            "[gzip]|decode: no reader; add one that turns the bytes into fields, e.g. [gzip, json]",
            "[json, msgpack]|decode[1]: a second reader 'msgpack' after 'json'",
            "[{hashField: data}, json]|decode[0]: hashField reads a Redis hash; this namespace's valueType is json",
            "[{envelope: {name: value}}]|decode[0].name: unknown option; allowed here: field",
            "[{gzip: fast}, json]|decode[0]: decode step 'gzip' takes no options",
            "[]|decode: must be a list of decode steps, e.g. [gzip, json]"})
    void parse_whenChainIsWrong_saysWhatAndHow(String decode, String message) {
        assertThatThrownBy(() -> json(decode)).isInstanceOf(ContractException.class).hasMessageContaining(message);
    }

    @Test
    void parse_whenHashChainHasNoHashField_saysToStartWithIt() {
        assertThatThrownBy(() -> namespace("hash", "[json]", "fields: {id: id}")).isInstanceOf(ContractException.class)
                .hasMessageContaining("a hash value is decoded from one of its fields; start with {hashField: <field>}");
    }

    @Test
    void decode_genericJackson2JsonRedisSerializer_withJacksonTyped_comparesByName() throws Exception {
        Namespace ns = json("[json, jackson-typed]");
        byte[] value = new GenericJackson2JsonRedisSerializer().serialize(new Order());

        Decoded d = text(ns, value);

        assertThat(d.corrupt()).as(d.corruptReason()).isFalse();
        assertThat(Canonicalizer.compare(ns, d, row(1000, "12.5")).equal()).isTrue();
        assertThat(Canonicalizer.compare(ns, d, row(1000, "12.51")).differingFields()).containsExactly("total");
    }

    @Test
    void decode_genericJackson2JsonRedisSerializer_readAsPlainJsonWithClassIgnored_isCorruptSayingToDeclareJacksonTyped() throws Exception {
        byte[] value = new GenericJackson2JsonRedisSerializer().serialize(new Order());
        String reason = "jackson-type-information: field total holds a Jackson type wrapper ([\"<JDK class>\", value]); looks like ";

        // a user who ignores @class instead of declaring jackson-typed: the wrapped total would differ from every row
        for (String decode : new String[] {null, "[json]", "[gzip, json]"}) {
            Namespace ns = namespace("json", decode, "fields: {id: id, total: total}\n    ignore: ['@class']");
            byte[] stored = decode != null && decode.startsWith("[gzip") ? gzip(value) : value;
            assertThat(text(ns, stored).corruptReason()).as(String.valueOf(decode)).startsWith(reason).contains("JSON with Jackson type information; declare decode: [")
                    .endsWith("json, jackson-typed]");
        }
        // an application's own two-element arrays are data, not type information
        Namespace ns = namespace("json", null, "fields: {id: id, pair: pair}");
        assertThat(text(ns, "{\"id\":1,\"pair\":[\"com.example.Thing\",2]}".getBytes(StandardCharsets.UTF_8)).corrupt()).isFalse();
    }

    public static class Dated {
        public long id = 1000;
        public java.time.LocalDate day = java.time.LocalDate.parse("2025-03-31");
        public java.time.LocalDateTime at = java.time.LocalDateTime.parse("2025-03-31T03:34:16.100");
        public java.time.LocalDateTime whole = java.time.LocalDateTime.parse("2025-03-31T03:34");
    }

    @Test
    void compare_javaTimeAsJacksonWritesItByDefault_arraysMatchDateAndTimestampColumns() {
        Namespace ns = namespace("json", "[json, jackson-typed]", "fields: {id: id, day: day, at: at, whole: whole}");
        GenericJackson2JsonRedisSerializer serializer = GenericJackson2JsonRedisSerializer.builder()
                .objectMapper(new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()))
                .defaultTyping(true).build();
        byte[] value = serializer.serialize(new Dated());
        assertThat(new String(value)).contains("\"day\":[2025,3,31]", "\"at\":[2025,3,31,3,34,16,100000000]", "\"whole\":[2025,3,31,3,34]");
        Decoded d = text(ns, value);
        Map<String, Object> m = new HashMap<>();
        m.put("id", BigDecimal.valueOf(1000));
        m.put("day", java.time.LocalDate.parse("2025-03-31"));
        m.put("at", new io.cachecheck.source.TemporalValue(java.time.Instant.parse("2025-03-31T03:34:16.100Z"), 6));
        m.put("whole", new io.cachecheck.source.TemporalValue(java.time.Instant.parse("2025-03-31T03:34:00Z"), 0));

        assertThat(Canonicalizer.compare(ns, d, new SourceRow(m)).equal()).isTrue();
        m.put("day", java.time.LocalDate.parse("2025-04-01"));
        m.put("at", new io.cachecheck.source.TemporalValue(java.time.Instant.parse("2025-03-31T03:34:16.101Z"), 6));
        assertThat(Canonicalizer.compare(ns, d, new SourceRow(m)).differingFields()).containsExactly("day", "at");
    }

    @Test
    void decode_springNullValue_isACachedNull() {
        Decoded d = text(json("[json, jackson-typed]"), new GenericJackson2JsonRedisSerializer().serialize(NullValue.INSTANCE));

        assertThat(d.cachedNull()).isTrue();
        assertThat(d.fields()).isEmpty();
    }

    @Test
    void decode_whenJacksonTypesAreNotDeclared_saysToDeclareJacksonTyped() {
        Decoded d = text(json(null), new GenericJackson2JsonRedisSerializer().serialize(new Order()));

        assertThat(d.corruptReason()).isEqualTo("unexpected-fields: looks like JSON with Jackson type information (@class);"
                + " declare decode: [json, jackson-typed]");
        assertThat(d.corruptFields()).containsExactly("@class");
    }

    @Test
    void decode_gzipThenJson_comparesTheDecompressedObject() throws Exception {
        Decoded d = text(json("[gzip, json]"), gzip("{\"id\":1000,\"total\":12.50}".getBytes(StandardCharsets.UTF_8)));

        assertThat(Canonicalizer.compare(json("[gzip, json]"), d, row(1000, "12.5")).equal()).isTrue();
    }

    @Test
    void decode_wrongDeclaration_saysWhatTheBytesLookLikeAndWhatToDeclare() throws Exception {
        byte[] json = "{\"id\":1000,\"total\":12.50}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream javaSer = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(javaSer)) {
            o.writeObject(new java.util.ArrayList<>(java.util.List.of("x")));
        }
        assertThat(text(json(null), gzip(json)).corruptReason())
                .isEqualTo("not-utf8: looks like gzip-compressed JSON; declare decode: [gzip, json]");
        assertThat(text(json(null), javaSer.toByteArray()).corruptReason())
                .isEqualTo("not-utf8: looks like Java serialization (stream magic AC ED); declare decode: [java]");
        assertThat(text(json("[gzip, json]"), json).corruptReason())
                .isEqualTo("gzip: not valid gzip data; looks like JSON; declare decode: [json]");
        assertThat(text(json("[zstd, json]"), com.github.luben.zstd.Zstd.compress(json)).corrupt()).isFalse();
        assertThat(text(json(null), com.github.luben.zstd.Zstd.compress(json)).corruptReason())
                .isEqualTo("invalid-json: looks like zstd-compressed JSON; declare decode: [zstd, json]");
        byte[] msgpack = new ObjectMapper(new org.msgpack.jackson.dataformat.MessagePackFactory()).writeValueAsBytes(new Order());
        assertThat(text(json(null), msgpack).corruptReason()).isEqualTo("not-utf8: looks like MessagePack; declare decode: [msgpack]");
        assertThat(text(json("[msgpack]"), msgpack).corrupt()).isFalse();
        assertThat(text(json(null), "{\"value\":{\"id\":1000,\"total\":12.5},\"expires\":null}".getBytes()).corruptReason())
                .isEqualTo("unexpected-fields: looks like JSON in a {value, expires} envelope (Node keyv, cache-manager);"
                        + " declare decode: [json, {envelope: value}]");
        assertThat(text(json(null), "{\"total\":".getBytes()).corruptReason()).isEqualTo("invalid-json");
    }

    @Test
    void decode_zstdThenMsgpack_readsCompressedMessagePack() throws Exception {
        Namespace ns = json("[zstd, msgpack]");
        byte[] packed = new ObjectMapper(new org.msgpack.jackson.dataformat.MessagePackFactory()).writeValueAsBytes(new Order());

        Decoded d = text(ns, com.github.luben.zstd.Zstd.compress(packed));

        assertThat(Canonicalizer.compare(ns, d, row(1000, "12.50")).equal()).isTrue();
        assertThat(text(ns, packed).corruptReason()).startsWith("zstd: ").endsWith("; looks like MessagePack; declare decode: [msgpack]");
    }

    private static byte[] run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void decode_wrongDeclaration_namesPickleAndPhpValues_writtenByPythonAndPhp() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"))
                && java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/php")), "python3 and php are not installed");
        byte[] pickle = run("python3", "-c", "import pickle,sys; sys.stdout.buffer.write(pickle.dumps({'id': 1000, 'total': '12.50'}))");
        byte[] php = run("php", "-r", "echo serialize(['id' => 1000, 'total' => '12.50']);");

        assertThat(text(json(null), pickle).corruptReason()).isEqualTo("not-utf8: looks like Python pickle (protocol 4);"
                + " declare decode: [pickle]");
        assertThat(text(json(null), php).corruptReason()).isEqualTo("invalid-json: looks like PHP serialize();"
                + " declare decode: [php]");
    }

    @Test
    void decode_wrongDeclaration_namesZlibAndLz4() throws Exception {
        byte[] json = "{\"id\":1000,\"total\":12.50}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream zlib = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream o = new java.util.zip.DeflaterOutputStream(zlib)) {
            o.write(json);
        }
        ByteArrayOutputStream lz4 = new ByteArrayOutputStream();
        try (net.jpountz.lz4.LZ4FrameOutputStream o = new net.jpountz.lz4.LZ4FrameOutputStream(lz4)) {
            o.write(json);
        }

        assertThat(text(json(null), zlib.toByteArray()).corruptReason())
                .isEqualTo("not-utf8: looks like zlib-compressed JSON; declare decode: [zlib, json]");
        assertThat(text(json("[gzip, json]"), lz4.toByteArray()).corruptReason())
                .isEqualTo("gzip: not valid gzip data; looks like lz4-compressed JSON; declare decode: [lz4, json]");
    }

    @Test
    void decode_envelope_takesTheValueField() {
        Namespace ns = json("[json, {envelope: value}]");
        Decoded d = text(ns, "{\"value\":{\"id\":1000,\"total\":12.5},\"expires\":1743392056100}".getBytes());

        assertThat(Canonicalizer.compare(ns, d, row(1000, "12.50")).equal()).isTrue();
        // without the envelope, the value is plain JSON: the reason says so
        assertThat(text(ns, "{\"id\":1000}".getBytes()).corruptReason())
                .isEqualTo("envelope: the value has no field value to unwrap; looks like JSON; declare decode: [json]");
    }

    @Test
    void decode_hashField_readsTheValueInOneField_asDotNetIDistributedCacheWritesIt() {
        Namespace ns = namespace("hash", "[{hashField: data}, json]", "fields: {id: Id, total: Total, customer.name: Name}");
        Map<byte[], byte[]> hash = new LinkedHashMap<>();
        hash.put("absexp".getBytes(), "-1".getBytes());
        hash.put("sldexp".getBytes(), "-1".getBytes());
        hash.put("data".getBytes(), "{\"id\":1000,\"total\":12.5,\"customer\":{\"name\":\"Ada\"}}".getBytes());

        Decoded d = CachedValueDecoder.decode(ns, new CachedValue.Hash(hash), 1 << 20);

        Map<String, Object> m = new HashMap<>(Map.of("Id", BigDecimal.valueOf(1000), "Total", new BigDecimal("12.50"), "Name", "Ada"));
        assertThat(Canonicalizer.compare(ns, d, new SourceRow(m)).equal()).isTrue();
        hash.remove("data".getBytes()); // byte[] keys: identity
        Map<byte[], byte[]> without = new LinkedHashMap<>(Map.of("absexp".getBytes(), "-1".getBytes()));
        assertThat(CachedValueDecoder.decode(ns, new CachedValue.Hash(without), 1 << 20).corruptReason())
                .isEqualTo("hash-field-missing: the hash has no field data");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE", "UTF-32"})
    void decode_whenJsonIsUtf16or32_isNotUtf8_withOrWithoutBom(String charset) {
        String json = "{\"id\":1000,\"total\":12.5}";
        byte[] bytes = json.getBytes(Charset.forName(charset));
        byte[] withBom = ("\ufeff" + json).getBytes(Charset.forName(charset));
        for (byte[] b : new byte[][] {bytes, withBom}) {
            Decoded d = text(json(null), b);
            assertThat(d.corruptReason()).as(charset).startsWith("not-utf8: looks like UTF-16 or UTF-32 text");
        }
        // the same text as UTF-8, and as UTF-8 with a byte-order mark, is read
        assertThat(text(json(null), json.getBytes(StandardCharsets.UTF_8)).corrupt()).isFalse();
        assertThat(text(json(null), ("\ufeff" + json).getBytes(StandardCharsets.UTF_8)).corrupt()).isFalse();
    }

    @Test
    void decode_whenStringOrHashTextIsUtf16_isNotUtf8() {
        Namespace string = namespace("string", null, "column: v");
        assertThat(text(string, "12.50".getBytes(StandardCharsets.UTF_16LE)).corruptReason()).startsWith("not-utf8");
        assertThat(text(string, "12.50".getBytes(StandardCharsets.UTF_16BE)).corruptReason()).startsWith("not-utf8");
        assertThat(text(string, "12.50".getBytes(StandardCharsets.UTF_8)).corrupt()).isFalse();
        Namespace hash = namespace("hash", null, "fields: {total: total}");
        Map<byte[], byte[]> h = Map.of("total".getBytes(), "12.50".getBytes(StandardCharsets.UTF_16LE));
        assertThat(CachedValueDecoder.decode(hash, new CachedValue.Hash(h), 1 << 20).corruptReason()).isEqualTo("not-utf8");
    }

    @Test
    void decode_a25MiBStringUnderAHighLimit_isCompared_andPastAParserLimitIsTooLarge() {
        Namespace ns = namespace("json", null, "fields: {id: id, note: note}");
        String note = "n".repeat(25 << 20);
        byte[] value = ("{\"id\":1,\"note\":\"" + note + "\"}").getBytes(StandardCharsets.US_ASCII);

        Decoded d = CachedValueDecoder.decode(ns, new CachedValue.Text(value), 200 << 20);

        assertThat(d.corrupt()).as(d.corruptReason()).isFalse();
        Map<String, Object> row = new HashMap<>(Map.of("id", BigDecimal.ONE, "note", note));
        assertThat(Canonicalizer.compare(ns, d, new SourceRow(row)).equal()).isTrue();
        String deep = "[".repeat(1001) + "]".repeat(1001);
        assertThat(text(ns, ("{\"id\":1,\"note\":" + deep + "}").getBytes()).corruptReason())
                .isEqualTo("too-large: nesting deeper than 1000 levels (JSON parser limit)");
        assertThat(text(ns, ("{\"id\":1" + "0".repeat(1001) + "}").getBytes()).corruptReason())
                .isEqualTo("too-large: a number longer than 1000 digits (JSON parser limit)");
    }

    private static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(out)) {
            o.write(plain);
        }
        return out.toByteArray();
    }
}
