package io.cachecheck.decode.pickle;

import io.cachecheck.decode.FormatFixtures;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TypedTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pickles written by python3 (gen_pickle.py: Django's RedisCache serialiser, django-redis's encode(), every
 * protocol) and the exact trees or CORRUPT reasons they read as ({@link TypedTree} or {@code !reason}).
 */
class PickleReaderTest {
    static final Path DIR = FormatFixtures.ROOT.resolve("pickle");
    static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(8 << 20);
    /** Written only where Django (model cases) or the time-zone database (zoneinfo) is installed. */
    static final Set<String> OPTIONAL = Set.of("django-model-values", "django-model-values-list",
            "corrupt-django-model", "corrupt-zoneinfo");
    private static final String ORDER = "{\"id\":1001,\"status\":\"paid\",\"total\":111185.20m,\"currency\":\"EUR\","
            + "\"paid\":true,\"note\":null,\"updated_at\":\"2025-03-31T03:34:16.100Z\"}";
    private static final String NESTED = "{\"customer\":{\"name\":\"Zoë Ødegård\",\"tags\":[\"vip\",\"new\"],"
            + "\"address\":{\"city\":\"Málaga\",\"zip\":\"29001\"}},"
            + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2,\"price\":12.50m},{\"sku\":\"B-2\",\"qty\":1,\"price\":0.10m}],"
            + "\"coords\":[36.72m,-4.42m],\"empty\":{},\"none\":[]}";
    private static final String PORTABLE = "{\"id\":7,\"name\":\"Grüße 世界 🎉 a\\\\b\\nc\",\"price\":12.50m,\"ok\":true,"
            + "\"none\":null,\"ratio\":0.1m,\"big\":1180591620717411303424N,\"neg\":-2147483648,\"list\":[1,[2,[3]]],"
            + "\"tuple\":[1,\"a\"],\"empty\":{}}";
    private static final String NEEDS_CODE = " needs its code to be rebuilt (only decimal.Decimal and datetime's"
            + " date-times are read); cache plain dicts, lists and scalars instead";

    static final Map<String, String> EXPECTED = new HashMap<>(Map.ofEntries(
            Map.entry("django-order", ORDER),
            Map.entry("django-nested", NESTED),
            Map.entry("django-unicode", "[\"Grüße\",\"世界\",\"🎉 party\",\"back\\\\slash\",\"line\\nbreak\","
                    + "\"tab\\tquote\\\"'\",\"\",\"\\u0000nul\"]"),
            Map.entry("django-ints", "[0,1,-1,255,256,65535,65536,-2147483648,2147483647,9223372036854775807L,"
                    + "-9223372036854775808L,18446744073709551616N,1267650600228229401496703205376N,"
                    + "-1267650600228229401496703205376N]"),
            Map.entry("django-floats", "[0.1m,0.30000000000000004m,10000000000000000000000000m,0m,1.5E-7m,5E-324m,"
                    + "17976931348623157" + "0".repeat(292) + "m,12.5m,100m,-2.5m]"),
            Map.entry("django-scalars", "[true,false,null,\"x\",7,2.5m,-0.001m]"),
            // Django stores int values unpickled (for INCR) and reads them back with int()
            Map.entry("django-raw-int", "42"),
            Map.entry("django-raw-negative", "-7"),
            Map.entry("django-raw-bigint", "1180591620717411303424N"),
            Map.entry("django-bool", "true"), // bool is not int for Django: pickled
            Map.entry("django-decimal", "12.50m"),
            Map.entry("django-bigint-long4", "[" + BigInteger.TWO.pow(2500) + "N,-" + BigInteger.TWO.pow(2500) + "N]"),
            Map.entry("django-bytes", "[\"AAFiaW5hcnn/\",\"YmE=\"]"),
            Map.entry("django-sets", "{\"set\":[3],\"frozen\":[\"a\"]}"),
            Map.entry("django-dates", "{\"naive\":\"2025-03-31T03:34:16\",\"utc\":\"2025-03-31T03:34:16.100Z\","
                    + "\"est\":\"2025-03-30T22:34:16.100-05:00\",\"day\":\"2025-03-31\","
                    + "\"micros\":\"2025-01-01T00:00:00.123456Z\"}"),
            Map.entry("django-shared", "{\"a\":[1,2],\"b\":[1,2]}"),
            Map.entry("djredis-order", ORDER),
            Map.entry("djredis-nested", NESTED),
            Map.entry("djredis-raw-int", "42"),
            Map.entry("djredis-bool", "false"),
            Map.entry("py-p0", PORTABLE),
            Map.entry("py-p1", PORTABLE),
            Map.entry("py-p2", PORTABLE),
            Map.entry("py-p3", PORTABLE),
            Map.entry("py-p4", PORTABLE),
            Map.entry("py-p5", PORTABLE),
            Map.entry("corrupt-user-class", "!pickle: shop.models.Order" + NEEDS_CODE),
            Map.entry("corrupt-ordereddict", "!pickle: collections.OrderedDict" + NEEDS_CODE),
            Map.entry("corrupt-cycle", "!pickle: reference cycle (a container that contains itself)"),
            Map.entry("corrupt-billion-laughs", "!pickle: more than 1000000 nodes (shared values count each time)"),
            Map.entry("corrupt-deep", "!pickle: nesting deeper than 64"),
            Map.entry("corrupt-p2-bytes", "!pickle: _codecs.encode" + NEEDS_CODE),
            Map.entry("corrupt-p3-set", "!pickle: builtins.set" + NEEDS_CODE),
            Map.entry("corrupt-float-inf", "!pickle: float inf or nan has no decimal value"),
            Map.entry("corrupt-decimal-nan", "!pickle: decimal.Decimal NaN or Infinity has no decimal value"),
            Map.entry("corrupt-timedelta", "!pickle: datetime.timedelta values are not read (only as a timezone offset)"),
            Map.entry("corrupt-zoneinfo", "!pickle: builtins.getattr" + NEEDS_CODE),
            Map.entry("django-model-values", ORDER),
            Map.entry("django-model-values-list", "[[1001,111185.20m]]"),
            Map.entry("corrupt-django-model", "!pickle: django.db.models.base.model_unpickle" + NEEDS_CODE)));

    private final PickleReader reader = new PickleReader();

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
    void read_valuesPickledByPythonNow_giveExpectedTrees(@TempDir Path out) throws Exception {
        assumeTrue(FormatFixtures.runs("python3", "-c", "import pickle"), "python3 is not installed");
        Map<String, byte[]> live = FormatFixtures.generate("python3", "gen_pickle.py", out);
        assertThat(EXPECTED.keySet()).containsAll(live.keySet());
        for (String name : EXPECTED.keySet()) {
            assertThat(live.containsKey(name) || OPTIONAL.contains(name)).as(name + " written").isTrue();
        }
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            assertThat(TypedTree.outcome(reader, e.getValue(), LIMITS)).as(e.getKey()).isEqualTo(EXPECTED.get(e.getKey()));
        }
    }

    @Test
    void read_valueLargerThanMaxBytes_isTooLarge() {
        byte[] bytes = fixture("django-order");
        assertThat(TypedTree.outcome(reader, bytes, ReadLimits.ofMaxBytes(100)))
                .isEqualTo("!too-large: " + bytes.length + " bytes > check.maxValueBytes 100");
    }

    @Test
    void read_jsonOrEmpty_isNotPickle() {
        assertThat(TypedTree.outcome(reader, "{\"id\":1}".getBytes(StandardCharsets.UTF_8), LIMITS))
                .isEqualTo("!pickle: not pickle data");
        assertThat(TypedTree.outcome(reader, new byte[0], LIMITS)).isEqualTo("!pickle: empty value");
    }

    @Test
    void read_rawIntegers_followPythonInt() {
        assertThat(TypedTree.outcome(reader, ascii(" +1_000 "), LIMITS)).isEqualTo("1000");
        // not int(): then pickle, where '1' is POP_MARK
        assertThat(TypedTree.outcome(reader, ascii("1__0"), LIMITS)).isEqualTo("!pickle: malformed stream (no MARK)");
        assertThat(TypedTree.outcome(reader, ascii("7".repeat(4300)), LIMITS)).endsWith("7N");
        // int() refuses more than 4300 digits; then it is not a pickle either ('7' is no opcode)
        assertThat(TypedTree.outcome(reader, ascii("7".repeat(4301)), LIMITS)).isEqualTo("!pickle: not pickle data");
    }

    @Test
    void read_extraBytesAfterStop_isCorrupt() {
        byte[] b = fixture("django-order");
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        longer[b.length] = 'N';
        assertThat(TypedTree.outcome(reader, longer, LIMITS)).isEqualTo("!pickle: extra bytes after STOP");
    }

    @Test
    void read_lengthsLargerThanTheValue_areRefusedBeforeAllocating() {
        byte[] b = fixture("django-decimal"); // \x80\x05\x95 + 8-byte FRAME length + ...
        byte[] frame = b.clone();
        frame[10] = 0x7f; // FRAME length beyond 2^63
        assertThat(TypedTree.outcome(reader, frame, LIMITS)).isEqualTo("!pickle: truncated value");
        byte[] text = b.clone();
        int shortUnicode = indexOf(text, (byte) 0x8c); // SHORT_BINUNICODE 'decimal'
        text[shortUnicode] = (byte) 0x8d; // BINUNICODE8: the next 8 bytes read as a huge length
        assertThat(TypedTree.outcome(reader, text, LIMITS)).isEqualTo("!pickle: truncated value");
    }

    @Test
    void read_smallLimits_boundDepthAndNodes() {
        assertThat(TypedTree.outcome(reader, fixture("django-nested"), new ReadLimits(1 << 20, 2, 1000)))
                .isEqualTo("!pickle: nesting deeper than 2");
        assertThat(TypedTree.outcome(reader, fixture("django-order"), new ReadLimits(1 << 20, 64, 5)))
                .isEqualTo("!pickle: more than 5 nodes");
        // a memoised list used twice is two copies in the tree (7 nodes), and counted so (corrupt-billion-laughs too)
        assertThat(TypedTree.outcome(reader, fixture("django-shared"), new ReadLimits(1 << 20, 64, 6)))
                .isEqualTo("!pickle: more than 6 nodes");
        assertThat(TypedTree.outcome(reader, fixture("django-shared"), new ReadLimits(1 << 20, 64, 7)))
                .isEqualTo(EXPECTED.get("django-shared"));
    }

    private static byte[] fixture(String name) {
        return FormatFixtures.load(DIR).get(name);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
