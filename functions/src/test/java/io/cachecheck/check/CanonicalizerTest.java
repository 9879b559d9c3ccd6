package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.Decoded;
import io.cachecheck.source.SourceRow;
import io.cachecheck.source.TemporalValue;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalizerTest {
    private static final Contract CONTRACT = ContractLoader.withEnvironment(k -> null).parse("""
            cache: {url: "redis://127.0.0.1:6379"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1/test"}
            tenants: {sql: "SELECT tenant_id FROM tenants"}
            namespaces:
              - name: o
                keyPattern: "t:{tenant_id}:o:{id}"
                valueType: json
                sql: "SELECT * FROM o WHERE tenant_id = :tenant_id AND id IN (:id)"
                fields: {total: total, at: at, paid: paid, note: note, name: name, meta: meta, nested.x: x}
                ignore: [cached_at]
                version: {field: at, column: at}
              - name: s
                keyPattern: "t:{tenant_id}:s:{id}"
                valueType: string
                sql: "SELECT * FROM s WHERE tenant_id = :tenant_id AND id IN (:id)"
                column: v
              - name: p
                keyPattern: "t:{tenant_id}:p:{id}"
                valueType: json
                sql: "SELECT * FROM p WHERE tenant_id = :tenant_id AND id IN (:id)"
                fields: {sku: sku, price.amount: amount, price.currency: currency, ship.addr.city: city}
                ignore: [cached_at, price.note]
              - name: p_lenient
                keyPattern: "t:{tenant_id}:pl:{id}"
                valueType: json
                sql: "SELECT * FROM p WHERE tenant_id = :tenant_id AND id IN (:id)"
                fields: {sku: sku, price.amount: amount, price.currency: currency, ship.addr.city: city}
                unknownFields: ignore
              - name: h
                keyPattern: "t:{tenant_id}:h:{id}"
                valueType: hash
                sql: "SELECT * FROM h WHERE tenant_id = :tenant_id AND id IN (:id)"
                fields: {price.amount: amount}
            """);
    private static final Namespace NS = CONTRACT.namespace("o");
    private static final SourceRow PRODUCT = new SourceRow(Map.of(
            "sku", "A-1", "amount", new BigDecimal("5.48"), "currency", "EUR", "city", "Lyon"));

    private static Decoded decode(String namespace, String json) {
        return CachedValueDecoder.decode(CONTRACT.namespace(namespace), new CachedValue.Text(json.getBytes(StandardCharsets.UTF_8)), 1 << 20);
    }

    private static SourceRow row(Object total, Object at, Object paid, Object note, Object name) {
        Map<String, Object> m = new HashMap<>();
        m.put("total", total);
        m.put("at", at);
        m.put("paid", paid);
        m.put("note", note);
        m.put("name", name);
        m.put("meta", null);
        m.put("x", null);
        return new SourceRow(m);
    }

    private static Canonicalizer.Comparison compare(String json, SourceRow row) {
        Decoded d = CachedValueDecoder.decode(NS, new CachedValue.Text(json.getBytes(StandardCharsets.UTF_8)), 1 << 20);
        assertThat(d.corrupt()).as("decoded %s", d.corruptReason()).isFalse();
        return Canonicalizer.compare(NS, d, row);
    }

    private static final TemporalValue MICROS = new TemporalValue(Instant.parse("2024-03-01T10:00:00.123456Z"), 6);

    @Test
    void compare_whenSourceKeptFewerFractionDigits_matchesTheRoundedOrTheTruncatedValueOnly() {
        String cached = "{\"total\":1,\"at\":\"%s\",\"paid\":true,\"name\":\"x\"}";
        TemporalValue rounded = new TemporalValue(Instant.parse("2026-03-01T08:00:01Z"), 0);   // PostgreSQL timestamp(0), MySQL 8
        TemporalValue truncated = new TemporalValue(Instant.parse("2026-03-01T08:00:00Z"), 0); // MariaDB
        assertThat(compare(cached.formatted("2026-03-01T08:00:00.999Z"), row(BigDecimal.ONE, rounded, true, null, "x")).equal()).isTrue();
        assertThat(compare(cached.formatted("2026-03-01T08:00:00.999Z"), row(BigDecimal.ONE, truncated, true, null, "x")).equal()).isTrue();
        assertThat(compare(cached.formatted("2026-03-01T08:00:00.5Z"), row(BigDecimal.ONE, rounded, true, null, "x")).equal()).isTrue();
        assertThat(compare(cached.formatted("2026-03-01T08:00:00.499Z"), row(BigDecimal.ONE, rounded, true, null, "x")).differingFields())
                .containsExactly("at");
        assertThat(compare(cached.formatted("2026-03-01T08:00:01.999Z"), row(BigDecimal.ONE, truncated, true, null, "x")).differingFields())
                .containsExactly("at");
        // at equal precision nothing is rounded: .500 stored is not .999 cached
        TemporalValue millis = new TemporalValue(Instant.parse("2026-02-01T12:00:00.500Z"), 3);
        assertThat(compare(cached.formatted("2026-02-01T12:00:00.999Z"), row(BigDecimal.ONE, millis, true, null, "x")).differingFields())
                .containsExactly("at");
    }

    @Test
    void compare_whenNumbersWrittenDifferently_areEqual() {
        SourceRow r = row(new BigDecimal("10.00"), MICROS, true, null, "x");
        for (String total : new String[] {"10", "10.0", "1e1", "\"10\"", "\"10.000\""}) {
            assertThat(compare("{\"total\":" + total + ",\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r).equal())
                    .as(total).isTrue();
        }
        assertThat(compare("{\"total\":10.001,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r).differingFields())
                .containsExactly("total");
    }

    @Test
    void compare_whenACachedNumberHasAHugeExponent_differsWithoutWritingItOut() {
        // 1e999999999 written out would be a billion digits: it must stay a cheap, exact comparison
        SourceRow r = row(new BigDecimal("10.00"), MICROS, true, null, "x");
        for (String total : new String[] {"1e999999999", "\"1e999999999\"", "-1E-999999999", "1e1001"}) {
            assertThat(compare("{\"total\":" + total + ",\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r)
                    .differingFields()).as(total).containsExactly("total");
        }
        // and the same huge number on both sides is equal, however it is written
        SourceRow huge = row(new BigDecimal("1e1001"), MICROS, true, null, "x");
        assertThat(compare("{\"total\":\"10e1000\",\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", huge).equal())
                .isTrue();
    }

    @Test
    void compare_whenTimestampsDifferInPrecisionOrZone_comparesAtLowerPrecisionInUtc() {
        SourceRow r = row(BigDecimal.ONE, MICROS, true, null, "x");
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123Z\",\"paid\":true,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T12:00:00.123+02:00\",\"paid\":true,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":1709287200123,\"paid\":true,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01 10:00:00.123456\",\"paid\":true,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.124Z\",\"paid\":true,\"name\":\"x\"}", r).differingFields())
                .containsExactly("at");
    }

    @Test
    void compare_whenBooleansSpelledDifferently_areEqual() {
        SourceRow r = row(BigDecimal.ONE, MICROS, false, null, "x");
        for (String paid : new String[] {"false", "0", "\"f\"", "\"no\"", "\"FALSE\""}) {
            assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":" + paid + ",\"name\":\"x\"}", r).equal())
                    .as(paid).isTrue();
        }
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r).differingFields())
                .containsExactly("paid");
    }

    @Test
    void compare_whenNullAndAbsent_areEqualButEmptyStringIsNot() {
        SourceRow r = row(BigDecimal.ONE, MICROS, true, null, "x");
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"note\":null,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"note\":\"\",\"name\":\"x\"}", r).differingFields())
                .containsExactly("note");
    }

    @Test
    void compare_whenUnicodeNormalisationDiffers_areEqual() {
        SourceRow r = row(BigDecimal.ONE, MICROS, true, null, "Caf\u00e9");
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"Cafe\u0301\"}", r).equal()).isTrue();
        assertThat(compare("{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"Cafe\"}", r).equal()).isFalse();
    }

    @Test
    void compare_whenIgnoredFieldDiffers_isEqual_andDigestsAreStable() {
        SourceRow r = row(BigDecimal.ONE, MICROS, true, null, "x");
        Canonicalizer.Comparison a = compare("{\"cached_at\":1,\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\"}", r);
        Canonicalizer.Comparison b = compare("{\"name\":\"x\",\"paid\":true,\"at\":\"2024-03-01T10:00:00.123456Z\",\"total\":1.0,\"cached_at\":2}", r);
        assertThat(a.equal()).isTrue();
        assertThat(a.cacheDigest()).isEqualTo(b.cacheDigest()).isEqualTo(a.sourceDigest()).hasSize(32);
    }

    @Test
    void compare_whenSourceNewer_reportsVersionOrder() {
        SourceRow r = row(BigDecimal.ONE, MICROS, true, null, "x");
        Canonicalizer.Comparison c = compare("{\"total\":1,\"at\":\"2024-03-01T09:00:00Z\",\"paid\":true,\"name\":\"x\"}", r);
        assertThat(c.versionOrder()).isEqualTo(1);
        assertThat(c.cacheVersion()).isEqualTo("2024-03-01T09:00:00Z");
        assertThat(c.sourceVersion()).isEqualTo("2024-03-01T10:00:00Z");
    }

    @Test
    void decode_whenValueBroken_reportsReasonWithoutValue() {
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("{\"total\":".getBytes()), 100).corruptReason()).isEqualTo("invalid-json");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text(new byte[] {(byte) 0xff, 0, 1}), 100).corruptReason()).isEqualTo("not-utf8");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("total=1".getBytes()), 100).corruptReason()).isEqualTo("invalid-json");
        byte[] badUtf8InString = "{\"name\":\"x?y\"}".getBytes(StandardCharsets.US_ASCII);
        badUtf8InString[10] = (byte) 0xc3; // a lead byte followed by 'y', not a continuation byte
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text(badUtf8InString), 100).corruptReason()).isEqualTo("not-utf8");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("[1,2]".getBytes()), 100).corruptReason()).isEqualTo("not-a-json-object");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("{} {}".getBytes()), 100).corruptReason()).isEqualTo("invalid-json");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("{\"total\":1,\"total\":2}".getBytes()), 100).corruptReason())
                .isEqualTo("duplicate-field");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text("{\"meta\":{\"a\":1,\"a\":1}}".getBytes()), 100).corruptReason())
                .isEqualTo("duplicate-field");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.Text(new byte[200]), 100).corruptReason()).startsWith("too-large: 200 bytes");
        assertThat(CachedValueDecoder.decode(NS, new CachedValue.WrongType("string"), 100).corruptReason()).isEqualTo("wrong-type: expected string");
        Decoded unexpected = CachedValueDecoder.decode(NS, new CachedValue.Text("{\"total\":1,\"secret\":2,\"nested\":{\"x\":1}}".getBytes()), 100);
        assertThat(unexpected.corruptReason()).isEqualTo("unexpected-fields");
        assertThat(unexpected.corruptFields()).containsExactly("secret");
        assertThat(CachedValueDecoder.decode(CONTRACT.namespace("s"), new CachedValue.Text(new byte[] {(byte) 0xc3, 0x28}), 100).corruptReason())
                .isEqualTo("not-utf8");
    }

    @Test
    void decode_whenNestedObjectsHoldOnlyMappedOrIgnoredFields_comparesThePaths() {
        Decoded d = decode("p", "{\"sku\":\"A-1\",\"price\":{\"amount\":5.480,\"currency\":\"EUR\",\"note\":\"x\"},"
                + "\"ship\":{\"addr\":{\"city\":\"Lyon\"}},\"cached_at\":1}");
        assertThat(d.corrupt()).as("%s %s", d.corruptReason(), d.corruptFields()).isFalse();
        assertThat(Canonicalizer.compare(CONTRACT.namespace("p"), d, PRODUCT).equal()).isTrue();
        Decoded stale = decode("p", "{\"sku\":\"A-1\",\"price\":{\"amount\":5.49,\"currency\":\"EUR\"},"
                + "\"ship\":{\"addr\":{\"city\":\"Lyon\"}}}");
        assertThat(Canonicalizer.compare(CONTRACT.namespace("p"), stale, PRODUCT).differingFields()).containsExactly("price.amount");
    }

    @Test
    void decode_whenNestedObjectHasAnExtraField_reportsItsFullPath() {
        Decoded d = decode("p", "{\"sku\":\"A-1\",\"price\":{\"amount\":5.48,\"currency\":\"EUR\",\"extra\":\"x\"},"
                + "\"ship\":{\"addr\":{\"city\":\"Lyon\",\"zip\":\"69001\"},\"mode\":\"air\"}}");
        assertThat(d.corruptReason()).isEqualTo("unexpected-fields");
        assertThat(d.corruptFields()).containsExactly("price.extra", "ship.addr.zip", "ship.mode");
        // the namespace with dotted fields "nested.x": an extra field inside nested is reported, with the top-level one
        Decoded o = CachedValueDecoder.decode(NS, new CachedValue.Text(
                "{\"total\":1,\"secret\":2,\"nested\":{\"x\":1,\"y\":{\"z\":1}}}".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        assertThat(o.corruptReason()).isEqualTo("unexpected-fields");
        assertThat(o.corruptFields()).containsExactly("nested.y", "secret");
    }

    @Test
    void decode_whenDottedFieldsAreWrittenFlat_reportsTheLiteralNamesAndDoesNotReadThem() {
        // {"price.amount": ...} is not the nested price.amount the application reads
        Decoded flat = decode("p", "{\"sku\":\"A-1\",\"price.amount\":5.48,\"price.currency\":\"EUR\","
                + "\"ship.addr.city\":\"Lyon\"}");
        assertThat(flat.corruptReason()).isEqualTo("unexpected-fields");
        assertThat(flat.corruptFields()).containsExactly("price.amount", "price.currency", "ship.addr.city");
        // also next to a correct nested object (tree path, not the flat fast path)
        Decoded both = decode("p", "{\"sku\":\"A-1\",\"price\":{\"amount\":5.48,\"currency\":\"EUR\"},"
                + "\"price.amount\":5.48,\"ship\":{\"addr\":{\"city\":\"Lyon\"}}}");
        assertThat(both.corruptFields()).containsExactly("price.amount");
        // with unknownFields: ignore the flat names are not read: the mapped paths are absent, so the value is stale
        Decoded lenient = decode("p_lenient", "{\"sku\":\"A-1\",\"price.amount\":5.48,\"price.currency\":\"EUR\","
                + "\"ship\":{\"addr\":{\"city\":\"Lyon\"}}}");
        assertThat(lenient.corrupt()).isFalse();
        assertThat(Canonicalizer.compare(CONTRACT.namespace("p_lenient"), lenient, PRODUCT).differingFields())
                .containsExactly("price.amount", "price.currency");
    }

    @Test
    void decode_whenParentOfANestedPathIsNotAnObject_readsThePathAsAbsent() {
        Decoded d = decode("p", "{\"sku\":\"A-1\",\"price\":5.48,\"ship\":null}");
        assertThat(d.corrupt()).as("%s %s", d.corruptReason(), d.corruptFields()).isFalse();
        assertThat(Canonicalizer.compare(CONTRACT.namespace("p"), d, PRODUCT).differingFields())
                .containsExactly("price.amount", "price.currency", "ship.addr.city");
    }

    @Test
    void decode_whenHashFieldNameHasADot_readsItLiterally() {
        // a hash has no nesting: its "price.amount" field is the mapped one, and a "price" field is unknown
        Namespace h = CONTRACT.namespace("h");
        Map<byte[], byte[]> ok = Map.of("price.amount".getBytes(StandardCharsets.UTF_8), "5.48".getBytes(StandardCharsets.UTF_8));
        Decoded d = CachedValueDecoder.decode(h, new CachedValue.Hash(ok), 1 << 20);
        assertThat(d.corrupt()).isFalse();
        assertThat(Canonicalizer.compare(h, d, PRODUCT).equal()).isTrue();
        Map<byte[], byte[]> parent = Map.of("price.amount".getBytes(StandardCharsets.UTF_8), "5.48".getBytes(StandardCharsets.UTF_8),
                "price".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
        Decoded p = CachedValueDecoder.decode(h, new CachedValue.Hash(parent), 1 << 20);
        assertThat(p.corruptReason()).isEqualTo("unexpected-fields");
        assertThat(p.corruptFields()).containsExactly("price");
    }

    @Test
    void compare_whenJsonColumn_comparesCanonicalJson() throws Exception {
        Map<String, Object> m = new HashMap<>(row(BigDecimal.ONE, MICROS, true, null, "x").columns());
        m.put("meta", new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"b\":1.0,\"a\":[1,2]}"));
        m.put("x", new BigDecimal("5"));
        Canonicalizer.Comparison c = compare(
                "{\"total\":1,\"at\":\"2024-03-01T10:00:00.123456Z\",\"paid\":true,\"name\":\"x\",\"meta\":{\"a\":[1,2],\"b\":1},\"nested\":{\"x\":\"5\"}}",
                new SourceRow(m));
        assertThat(c.equal()).isTrue();
    }
}
