package io.cachecheck.decode.php;

import io.cachecheck.decode.FormatFixtures;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TypedTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PHP serialize() values written by php (gen_php.php, Laravel's RedisStore rule for numbers) and the exact trees or
 * CORRUPT reasons they read as. A value's outcome is its typed tree ({@link TypedTree}) or {@code !reason}.
 */
class PhpSerializeReaderTest {
    static final Path DIR = FormatFixtures.ROOT.resolve("php");
    static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(8 << 20);
    private static final String ROW = "{\"id\":1001,\"status\":\"paid\",\"total\":\"111185.20\",\"currency\":\"EUR\","
            + "\"paid\":true,\"note\":null,\"updated_at\":\"2025-03-31 03:34:16\"}";

    static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("laravel-array", ROW),
            Map.entry("laravel-stdclass", ROW),
            Map.entry("laravel-model", "{\"connection\":\"pgsql\",\"table\":\"orders\",\"primaryKey\":\"id\","
                    + "\"incrementing\":true,\"exists\":true,\"attributes\":" + ROW + ",\"original\":" + ROW
                    + ",\"casts\":{\"total\":\"decimal:2\"},\"relations\":[],\"secretToken\":\"internal\"}"),
            Map.entry("laravel-nested", "{\"customer\":{\"name\":\"Zoë Ødegård\",\"tags\":[\"vip\",\"new\"],"
                    + "\"address\":{\"city\":\"Málaga\",\"zip\":\"29001\"}},"
                    + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2,\"price\":12.5m},{\"sku\":\"B-2\",\"qty\":1,\"price\":0.1m}],"
                    + "\"sparse\":{\"5\":\"five\",\"7\":\"seven\"},\"reordered\":{\"1\":\"one\",\"0\":\"zero\"},"
                    + "\"numeric_keys\":{\"10\":\"ten\",\"x\":\"ex\"},\"empty\":[]}"),
            Map.entry("laravel-unicode", "[\"Grüße\",\"世界\",\"🎉 party\",\"back\\\\slash\",\"line\\nbreak\","
                    + "\"quote\\\"'\",\"\",\"\\u0000nul\"]"),
            Map.entry("laravel-ints", "[0,1,-1,255,65536,-2147483648,9223372036854775807L,-9223372036854775808L]"),
            Map.entry("laravel-floats",
                    "[0.1m,0.30000000000000004m,10000000000000000000000000m,0m,1.5E-7m,12.5m,100m,-2.5m]"),
            Map.entry("laravel-scalars", "[true,false,null,\"x\",7,2.5m]"),
            // RedisStore stores finite numbers unserialised and returns their text: read as that text
            Map.entry("laravel-raw-int", "\"42\""),
            Map.entry("laravel-raw-negative", "\"-7\""),
            Map.entry("laravel-raw-float", "\"0.3\""), // 0.1 + 0.2 at PHP's precision of 14 digits
            Map.entry("laravel-raw-numeric-string", "\"01234\""),
            Map.entry("laravel-string", "\"paid\""),
            Map.entry("laravel-bool", "false"),
            Map.entry("laravel-null", "null"),
            Map.entry("laravel-references", "{\"a\":{\"sku\":\"A-1\"},\"b\":{\"sku\":\"A-1\"},\"c\":[1,2],\"d\":[1,2]}"),
            Map.entry("laravel-dates", "{\"paris\":\"2025-03-31T05:34:16.100+02:00\",\"offset\":\"2025-03-31T05:34:16+02:00\","
                    + "\"utc\":\"2025-03-31T03:34:16.123456Z\",\"carbon\":\"2025-03-31T03:34:16Z\"}"),
            Map.entry("laravel-enum", "{\"status\":\"Paid\"}"),
            Map.entry("corrupt-custom-serializable", "!php: class App\\Legacy\\Token is custom-serialised (C: format,"
                    + " Serializable) and cannot be read without its code; cache an array or a plain object instead"),
            Map.entry("corrupt-cycle", "!php: reference cycle (a value that contains itself)"),
            Map.entry("corrupt-reference-bomb", "!php: more than 1000000 nodes (references count as copies)"),
            Map.entry("corrupt-deep", "!php: nesting deeper than 64"),
            Map.entry("corrupt-float-inf", "!php: float INF or NAN has no decimal value"),
            Map.entry("corrupt-date-abbreviation", "!php: DateTime object has a time-zone abbreviation (timezone_type 2)"
                    + " other than UTC; store times with a zone name or an offset"),
            Map.entry("corrupt-not-utf8", "!php: string is not UTF-8"));

    private final PhpSerializeReader reader = new PhpSerializeReader();

    static Set<String> fixtureNames() {
        return FormatFixtures.load(DIR).keySet();
    }

    @Test
    void fixtures_areExactlyTheExpectedCases() {
        assertThat(fixtureNames()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void read_checkedInFixture_givesExpectedTree(String name) {
        byte[] bytes = FormatFixtures.load(DIR).get(name);
        assertThat(TypedTree.outcome(reader, bytes, LIMITS)).isEqualTo(EXPECTED.get(name));
    }

    @Test
    void read_valuesWrittenByPhpNow_giveExpectedTrees(@TempDir Path out) throws Exception {
        assumeTrue(FormatFixtures.runs("php", "-v"), "php is not installed");
        Map<String, byte[]> live = FormatFixtures.generate("php", "gen_php.php", out);
        assertThat(live.keySet()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            assertThat(TypedTree.outcome(reader, e.getValue(), LIMITS)).as(e.getKey()).isEqualTo(EXPECTED.get(e.getKey()));
        }
    }

    @Test
    void read_valueLargerThanMaxBytes_isTooLarge() {
        byte[] bytes = FormatFixtures.load(DIR).get("laravel-array");
        assertThat(TypedTree.outcome(reader, bytes, ReadLimits.ofMaxBytes(100)))
                .isEqualTo("!too-large: " + bytes.length + " bytes > check.maxValueBytes 100");
    }

    @Test
    void read_jsonOrEmpty_isNotPhp() {
        assertThat(TypedTree.outcome(reader, "{\"id\":1}".getBytes(StandardCharsets.UTF_8), LIMITS))
                .isEqualTo("!php: not PHP serialize() data");
        assertThat(TypedTree.outcome(reader, new byte[0], LIMITS)).isEqualTo("!php: empty value");
    }

    @Test
    void read_extraBytesAfterTheValue_isCorrupt() {
        assertThat(TypedTree.outcome(reader, concat(fixture("laravel-array"), "N;"), LIMITS))
                .isEqualTo("!php: extra bytes after the value");
    }

    @Test
    void read_lengthsAndCountsLargerThanTheValue_areRefusedBeforeAllocating() {
        String array = text("laravel-array"); // a:7:{s:2:"id";...
        assertThat(TypedTree.outcome(reader, bytes(array.replaceFirst("^a:7:", "a:2147483647:")), LIMITS))
                .isEqualTo("!php: array count larger than the value");
        assertThat(TypedTree.outcome(reader, bytes(array.replaceFirst("^a:7:", "a:99999999999:")), LIMITS))
                .isEqualTo("!php: length out of range");
        assertThat(TypedTree.outcome(reader, bytes(array.replace("s:6:\"status\"", "s:2000000000:\"status\"")), LIMITS))
                .isEqualTo("!php: truncated value");
    }

    @Test
    void read_smallLimits_boundDepthAndNodes() {
        assertThat(TypedTree.outcome(reader, fixture("laravel-nested"), new ReadLimits(1 << 20, 2, 1000)))
                .isEqualTo("!php: nesting deeper than 2");
        assertThat(TypedTree.outcome(reader, fixture("laravel-array"), new ReadLimits(1 << 20, 64, 5)))
                .isEqualTo("!php: more than 5 nodes");
        // references count as the copies they make
        assertThat(TypedTree.outcome(reader, fixture("laravel-references"), new ReadLimits(1 << 20, 64, 10)))
                .isEqualTo("!php: more than 10 nodes (references count as copies)");
        assertThat(TypedTree.outcome(reader, fixture("laravel-references"), new ReadLimits(1 << 20, 64, 11)))
                .isEqualTo(EXPECTED.get("laravel-references"));
    }

    private static byte[] fixture(String name) {
        return FormatFixtures.load(DIR).get(name);
    }

    private static String text(String name) {
        return new String(fixture(name), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, String tail) {
        byte[] t = bytes(tail);
        byte[] r = Arrays.copyOf(a, a.length + t.length);
        System.arraycopy(t, 0, r, a.length, t.length);
        return r;
    }
}
