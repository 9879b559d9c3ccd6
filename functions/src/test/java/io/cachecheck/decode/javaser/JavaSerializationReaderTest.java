package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.Externalizable;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JavaSerializationReaderTest {
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(8 << 20);
    private static final String TEST = JavaSerializationReaderTest.class.getName() + "$";
    /** An independent oracle for collections of plain values: Jackson writes them in iteration order, as we must. */
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private final JavaSerializationReader reader = new JavaSerializationReader();

    enum Status { NEW, SHIPPED { @Override public String toString() { return "shipped"; } } }

    record Line(String sku, int quantity, BigDecimal price) implements Serializable { }

    record Order(long id, String status, BigDecimal total, Instant updatedAt, List<Line> lines, Status state,
                 Customer customer) implements Serializable { }

    static class Party implements Serializable {
        String name;
        long partyId;
    }

    static class Customer extends Party {
        String email;
        Integer loyalty;
        boolean active;
        transient String sessionToken = "never serialised";

        Customer(long partyId, String name, String email, Integer loyalty, boolean active) {
            this.partyId = partyId;
            this.name = name;
            this.email = email;
            this.loyalty = loyalty;
            this.active = active;
        }
    }

    static class Primitives implements Serializable {
        byte b = -5;
        short s = 300;
        int i = -70_000;
        long l = 1L << 40;
        float f = 0.1f;
        double d = 2.5e-3;
        boolean z = true;
        char c = 'é';
    }

    static class Boxes implements Serializable {
        Byte b = 7;
        Short s = -2;
        Integer i = 42;
        Long l = 9_000_000_000L;
        Float f = 1.5f;
        Double d = 1e10;
        Boolean z = Boolean.FALSE;
        Character c = 'x';
        Integer missing;
        AtomicInteger counter = new AtomicInteger(3);
    }

    static class Numbers implements Serializable {
        BigDecimal price = new BigDecimal("12.50");
        BigDecimal tiny = new BigDecimal("-0.001");
        BigDecimal thousands = new BigDecimal("1E+3");
        BigDecimal huge = new BigDecimal("123456789012345678901234567890.123456789");
        BigInteger big = new BigInteger("-123456789012345678901234567890");
        BigInteger zero = BigInteger.ZERO;
        double nan = Double.NaN;
        Double infinity = Double.POSITIVE_INFINITY;
        float negativeInfinity = Float.NEGATIVE_INFINITY;
    }

    static class Times implements Serializable {
        Instant instant = Instant.parse("2025-03-31T03:34:16.100Z");
        Instant nanos = Instant.parse("2025-03-31T03:34:16.123456789Z");
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.5Z");
        LocalDate date = LocalDate.of(2025, 3, 31);
        LocalTime hour = LocalTime.of(10, 0);
        LocalTime minute = LocalTime.of(10, 30);
        LocalTime second = LocalTime.of(10, 30, 15);
        LocalTime nano = LocalTime.of(10, 30, 15, 1);
        LocalDateTime dateTime = LocalDateTime.of(2025, 3, 31, 10, 15, 30);
        OffsetDateTime offsetDateTime = OffsetDateTime.of(2025, 3, 31, 10, 15, 30, 0, ZoneOffset.ofHours(2));
        OffsetDateTime negativeOffset = OffsetDateTime.of(2025, 3, 31, 10, 15, 30, 0, ZoneOffset.ofHoursMinutes(-3, -30));
        OffsetDateTime secondsOffset = OffsetDateTime.of(2025, 3, 31, 10, 15, 30, 0, ZoneOffset.ofHoursMinutesSeconds(1, 0, 30));
        ZonedDateTime zoned = ZonedDateTime.of(2025, 3, 31, 10, 15, 30, 500, ZoneId.of("Europe/Paris"));
        ZonedDateTime zonedUtc = ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        OffsetTime offsetTime = OffsetTime.of(10, 15, 0, 0, ZoneOffset.ofHours(1));
        Duration duration = Duration.ofMillis(90_061_001);
        Period period = Period.of(1, 2, 3);
        Year year = Year.of(2025);
        YearMonth yearMonth = YearMonth.of(2025, 3);
        MonthDay monthDay = MonthDay.of(3, 31);
        ZoneId zone = ZoneId.of("Europe/Paris");
        ZoneOffset offset = ZoneOffset.ofHours(-5);
        Date legacyDate = new Date(1_743_392_056_100L);
        Timestamp timestamp = Timestamp.from(Instant.parse("2025-03-31T03:34:16.123456789Z"));
    }

    static class Arrays1 implements Serializable {
        int[] ints = {1, -2};
        long[] longs = {3};
        short[] shorts = {4, 5};
        byte[] bytes = {0, 1, 2, (byte) 255};
        char[] chars = {'a', 'b'};
        boolean[] flags = {true, false};
        float[] floats = {0.1f, Float.NaN};
        double[] doubles = {Double.POSITIVE_INFINITY, -1.25};
        String[] strings = {"x", null};
        int[][] matrix = {{1}, {2, 3}};
        Object[] mixed = {1, "a", 2L, null};
        int[] empty = {};
    }

    record Pair(Object left, Object right) implements Serializable { }

    static class Node implements Serializable {
        String name;
        Node next;

        Node(String name) {
            this.name = name;
        }
    }

    static class Money implements Serializable {
        long cents = 1250;
        String currency = "EUR";

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            out.writeInt(42); // e.g. a format version: only Money.readObject knows what it means
        }
    }

    static class Validated implements Serializable {
        String code = "A-1";

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject(); // a writeObject that adds nothing (validation, locking) reads as plain fields
        }
    }

    public static class Ext implements Externalizable {
        public Ext() {
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeUTF("opaque");
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            in.readUTF();
        }
    }

    interface Api {
        String call();
    }

    static class Handler implements InvocationHandler, Serializable {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return "x";
        }
    }

    static class Lines extends ArrayList<String> {
    }

    static class TaggedLines extends ArrayList<String> {
        String tag = "t";
    }

    static class Base implements Serializable {
        String id = "base";
    }

    static class Derived extends Base {
        String id = "derived";
    }

    static class Holder implements Serializable {
        Object value;

        Holder(Object value) {
            this.value = value;
        }
    }

    private JsonNode read(Object value) throws UndecodableException {
        return reader.read(Serialized.of(value), LIMITS);
    }

    private String json(Object value) throws UndecodableException {
        return read(value).toString();
    }

    private String reason(byte[] bytes, ReadLimits limits) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> reader.read(bytes, limits));
        assertThat(thrown).isInstanceOf(UndecodableException.class);
        return ((UndecodableException) thrown).reason();
    }

    private String reason(Object value) {
        return reason(Serialized.of(value), LIMITS);
    }

    private static String jackson(Object value) throws IOException {
        return JACKSON.writeValueAsString(value);
    }

    @Test
    void read_record_withNestedRecordsEnumAndSuperclassFields() throws Exception {
        Customer customer = new Customer(7, "Ada", "ada@example.com", null, true);
        Order order = new Order(1000, "shipped", new BigDecimal("111185.20"), Instant.parse("2025-03-31T03:34:16.100Z"),
                List.of(new Line("sku-1", 2, new BigDecimal("10.00")), new Line("sku-2", 1, new BigDecimal("0.5"))),
                Status.SHIPPED, customer);

        JsonNode tree = read(order);

        // primitives first, then objects, each sorted by name (ObjectOutputStream's field order); superclass first
        assertThat(tree.toString()).isEqualTo("{\"id\":1000,"
                + "\"customer\":{\"partyId\":7,\"name\":\"Ada\",\"active\":true,\"email\":\"ada@example.com\",\"loyalty\":null},"
                + "\"lines\":[{\"quantity\":2,\"price\":10.00,\"sku\":\"sku-1\"},{\"quantity\":1,\"price\":0.5,\"sku\":\"sku-2\"}],"
                + "\"state\":\"SHIPPED\",\"status\":\"shipped\",\"total\":111185.20,"
                + "\"updatedAt\":\"2025-03-31T03:34:16.100000000Z\"}");
        assertThat(tree.get("id").isLong()).isTrue();
        assertThat(tree.get("total").decimalValue()).isEqualTo(new BigDecimal("111185.20")); // scale kept
        assertThat(tree.get("lines").get(0).get("quantity").isInt()).isTrue();
    }

    @Test
    void read_primitiveFields() throws Exception {
        JsonNode tree = read(new Primitives());

        assertThat(tree.toString()).isEqualTo(
                "{\"b\":-5,\"c\":\"é\",\"d\":0.0025,\"f\":0.1,\"i\":-70000,\"l\":1099511627776,\"s\":300,\"z\":true}");
        assertThat(tree.get("b").isInt()).isTrue();
        assertThat(tree.get("s").isInt()).isTrue();
        assertThat(tree.get("l").isLong()).isTrue();
        assertThat(tree.get("f").isBigDecimal()).isTrue();
        assertThat(tree.get("d").isBigDecimal()).isTrue();
    }

    @Test
    void read_boxedFields_andNull() throws Exception {
        JsonNode tree = read(new Boxes());

        assertThat(tree.toString()).isEqualTo("{\"b\":7,\"c\":\"x\",\"counter\":3,\"d\":1.0E+10,\"f\":1.5,\"i\":42,"
                + "\"l\":9000000000,\"missing\":null,\"s\":-2,\"z\":false}");
        assertThat(tree.get("l").isLong()).isTrue();
        assertThat(tree.get("i").isInt()).isTrue();
    }

    @Test
    void read_bigNumbersExactly_andNonFiniteFloatsAsText() throws Exception {
        JsonNode tree = read(new Numbers());

        assertThat(tree.toString()).isEqualTo("{\"nan\":\"NaN\",\"negativeInfinity\":\"-Infinity\","
                + "\"big\":-123456789012345678901234567890,"
                + "\"huge\":123456789012345678901234567890.123456789,\"infinity\":\"Infinity\","
                + "\"price\":12.50,\"thousands\":1E+3,\"tiny\":-0.001,\"zero\":0}");
        assertThat(tree.get("big").isBigInteger()).isTrue();
        assertThat(tree.get("price").decimalValue().scale()).isEqualTo(2);
        assertThat(tree.get("thousands").decimalValue().scale()).isEqualTo(-3);
    }

    @Test
    void read_strings_modifiedUtf8_andLongString() throws Exception {
        String text = "Grüße \u0000 😀 \uffff";
        String longText = "é".repeat(40_000); // 80,000 bytes of modified UTF-8: written as TC_LONGSTRING
        byte[] bytes = Serialized.of(new Pair(text, longText));
        assertThat(bytes).contains(StreamParser.TC_LONGSTRING);

        JsonNode tree = reader.read(bytes, LIMITS);

        assertThat(tree.get("left").textValue()).isEqualTo(text);
        assertThat(tree.get("right").textValue()).isEqualTo(longText);
        assertThat(read("just a string").textValue()).isEqualTo("just a string");
    }

    @Test
    void read_javaTime_dateAndTimestamp_asIsoTextWithTheFullFraction() throws Exception {
        assertThat(json(new Times())).isEqualTo("{"
                + "\"beforeEpoch\":\"1969-12-31T23:59:59.500000000Z\","
                + "\"date\":\"2025-03-31\","
                + "\"dateTime\":\"2025-03-31T10:15:30.000000000\","
                + "\"duration\":\"PT25H1M1.001S\","
                + "\"hour\":\"10:00:00.000000000\","
                + "\"instant\":\"2025-03-31T03:34:16.100000000Z\","
                + "\"legacyDate\":\"2025-03-31T03:34:16.100Z\","
                + "\"minute\":\"10:30:00.000000000\","
                + "\"monthDay\":\"--03-31\","
                + "\"nano\":\"10:30:15.000000001\","
                + "\"nanos\":\"2025-03-31T03:34:16.123456789Z\","
                + "\"negativeOffset\":\"2025-03-31T10:15:30.000000000-03:30\","
                + "\"offset\":\"-05:00\","
                + "\"offsetDateTime\":\"2025-03-31T10:15:30.000000000+02:00\","
                + "\"offsetTime\":\"10:15:00.000000000+01:00\","
                + "\"period\":\"P1Y2M3D\","
                + "\"second\":\"10:30:15.000000000\","
                + "\"secondsOffset\":\"2025-03-31T10:15:30.000000000+01:00:30\","
                + "\"timestamp\":\"2025-03-31T03:34:16.123456789Z\","
                + "\"year\":\"2025\","
                + "\"yearMonth\":\"2025-03\","
                + "\"zone\":\"Europe/Paris\","
                + "\"zoned\":\"2025-03-31T10:15:30.000000500+02:00\","
                + "\"zonedUtc\":\"2025-01-01T00:00:00.000000000Z\"}");
    }

    @Test
    void read_sqlDateAndTime_asTheInstantsTheyHold() throws Exception {
        java.sql.Date date = java.sql.Date.valueOf("2025-03-31"); // midnight in the writer's time zone
        java.sql.Time time = java.sql.Time.valueOf("10:15:30");
        java.time.format.DateTimeFormatter millis = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

        assertThat(json(List.of(date, time))).isEqualTo("[\"" + Instant.ofEpochMilli(date.getTime()).atOffset(ZoneOffset.UTC).format(millis)
                + "\",\"" + Instant.ofEpochMilli(time.getTime()).atOffset(ZoneOffset.UTC).format(millis) + "\"]");
    }

    @Test
    void read_datesBeyondFourDigitYears_asExpandedIsoYears() throws Exception {
        assertThat(json(List.of(LocalDate.of(-5, 1, 2), LocalDate.of(12_000, 3, 4), Instant.parse("+12000-01-01T00:00:00Z"))))
                .isEqualTo("[\"-0005-01-02\",\"+12000-03-04\",\"+12000-01-01T00:00:00.000000000Z\"]");
    }

    @Test
    void read_uuidUriAndCurrency_asText() throws Exception {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

        assertThat(json(List.of(id, java.net.URI.create("https://example.com/a?b=c"), java.util.Currency.getInstance("EUR"))))
                .isEqualTo("[\"123e4567-e89b-12d3-a456-426614174000\",\"https://example.com/a?b=c\",\"EUR\"]");
    }

    @Test
    void read_arrays() throws Exception {
        assertThat(json(new Arrays1())).isEqualTo("{"
                + "\"bytes\":\"AAEC/w==\",\"chars\":\"ab\",\"doubles\":[\"Infinity\",-1.25],\"empty\":[],"
                + "\"flags\":[true,false],\"floats\":[0.1,\"NaN\"],\"ints\":[1,-2],\"longs\":[3],"
                + "\"matrix\":[[1],[2,3]],\"mixed\":[1,\"a\",2,null],\"shorts\":[4,5],\"strings\":[\"x\",null]}");
    }

    @Test
    void read_lists_inOrder() throws Exception {
        List<String> values = List.of("b", "a", "c");
        Vector<String> vector = new Vector<>(values);
        Stack<String> stack = new Stack<>();
        stack.addAll(values);
        ArrayList<String> withNull = new ArrayList<>(values);
        withNull.add(null);

        for (Object list : List.of(new ArrayList<>(values), new LinkedList<>(values), new ArrayDeque<>(values),
                new CopyOnWriteArrayList<>(values), vector, stack, values, Arrays.asList("b", "a", "c"),
                Collections.unmodifiableList(new ArrayList<>(values)), Collections.unmodifiableList(new LinkedList<>(values)),
                Collections.synchronizedList(new ArrayList<>(values)),
                Collections.checkedList(new ArrayList<>(values), String.class), Collections.unmodifiableCollection(values),
                lines(values))) {
            assertThat(json(list)).as(list.getClass().getName()).isEqualTo("[\"b\",\"a\",\"c\"]");
        }
        assertThat(json(withNull)).isEqualTo("[\"b\",\"a\",\"c\",null]");
        assertThat(json(Stream.of("b", null).toList())).isEqualTo("[\"b\",null]");
        assertThat(json(Collections.singletonList(1))).isEqualTo("[1]");
        assertThat(json(Collections.emptyList())).isEqualTo("[]");
        assertThat(json(List.of())).isEqualTo("[]");
    }

    private static Lines lines(List<String> values) {
        Lines lines = new Lines();
        lines.addAll(values);
        return lines;
    }

    @Test
    void read_sets_inIterationOrder() throws Exception {
        List<String> values = List.of("pear", "apple", "fig", "kiwi");
        for (Set<String> set : List.of(new HashSet<>(values), new LinkedHashSet<>(values), new TreeSet<>(values),
                Collections.unmodifiableSet(new LinkedHashSet<>(values)),
                Collections.synchronizedSet(new TreeSet<>(values)), Collections.unmodifiableSortedSet(new TreeSet<>(values)),
                new java.util.concurrent.CopyOnWriteArraySet<>(values))) {
            // the order in which the writer iterated (hash order, insertion order, sorted order, salted order)
            assertThat(json(set)).as(set.getClass().getName()).isEqualTo(jackson(set));
        }
        assertThat(json(new TreeSet<>(values))).isEqualTo("[\"apple\",\"fig\",\"kiwi\",\"pear\"]");
        // Set.of writes its internal table, not its (salted) iteration order
        assertThat(read(Set.copyOf(values))).extracting(JsonNode::textValue).containsExactlyInAnyOrderElementsOf(values);
        assertThat(json(EnumSet.allOf(Status.class))).isEqualTo("[\"NEW\",\"SHIPPED\"]");
        assertThat(json(Collections.singleton("only"))).isEqualTo("[\"only\"]");
        assertThat(json(Collections.emptySet())).isEqualTo("[]");
        assertThat(json(Collections.emptySortedSet())).isEqualTo("[]");
    }

    @Test
    void read_mapsWithTextKeys_asObjectsInIterationOrder() throws Exception {
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("pear", 1);
        values.put("apple", 2);
        values.put("fig", null);
        values.put("kiwi", 4);
        for (Map<String, Integer> map : List.of(new HashMap<>(values), new LinkedHashMap<>(values),
                new TreeMap<>(values), Collections.unmodifiableMap(new LinkedHashMap<>(values)),
                Collections.synchronizedMap(new TreeMap<>(values)), Collections.checkedMap(new HashMap<>(values), String.class, Integer.class),
                Collections.unmodifiableSortedMap(new TreeMap<>(values)))) {
            assertThat(json(map)).as(map.getClass().getName()).isEqualTo(jackson(map));
        }
        assertThat(json(new LinkedHashMap<>(values))).isEqualTo("{\"pear\":1,\"apple\":2,\"fig\":null,\"kiwi\":4}");

        Map<String, Integer> noNulls = new LinkedHashMap<>(values);
        noNulls.remove("fig");
        for (Map<String, Integer> map : List.of(Map.of("one", 1), new Hashtable<>(noNulls), new ConcurrentHashMap<>(noNulls))) {
            assertThat(json(map)).as(map.getClass().getName()).isEqualTo(jackson(map));
        }
        // Map.of writes its internal table, not its (salted) iteration order
        JsonNode immutable = read(Map.copyOf(noNulls));
        assertThat(immutable.properties()).hasSize(3);
        assertThat(JACKSON.convertValue(immutable, Map.class)).isEqualTo(noNulls);
        assertThat(json(Collections.singletonMap("k", "v"))).isEqualTo("{\"k\":\"v\"}");
        assertThat(json(Collections.emptyMap())).isEqualTo("{}");
        assertThat(json(Map.of())).isEqualTo("{}");
    }

    @Test
    void read_mapsWithIntegerEnumOrUuidKeys_asObjectsKeyedByText() throws Exception {
        Map<Integer, String> byId = new LinkedHashMap<>();
        byId.put(2, "two");
        byId.put(-1, "minus one");
        EnumMap<Status, Long> byStatus = new EnumMap<>(Status.class);
        byStatus.put(Status.SHIPPED, 3L);
        byStatus.put(Status.NEW, 1L);

        assertThat(json(byId)).isEqualTo("{\"2\":\"two\",\"-1\":\"minus one\"}");
        assertThat(json(byStatus)).isEqualTo("{\"NEW\":1,\"SHIPPED\":3}");
        assertThat(json(Map.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), true)))
                .isEqualTo("{\"123e4567-e89b-12d3-a456-426614174000\":true}");
    }

    @Test
    void read_mapsWithOtherKeys_asKeyValuePairs() throws Exception {
        Map<Object, String> clash = new LinkedHashMap<>();
        clash.put(1, "int");
        clash.put("1", "text");
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "n");
        Map<BigDecimal, String> decimalKeys = new TreeMap<>(Map.of(new BigDecimal("1.50"), "x"));

        assertThat(json(clash)).isEqualTo("[[1,\"int\"],[\"1\",\"text\"]]");
        assertThat(json(nullKey)).isEqualTo("[[null,\"n\"]]");
        assertThat(json(decimalKeys)).isEqualTo("[[1.50,\"x\"]]");
        assertThat(json(Map.of(List.of("a"), 1))).isEqualTo("[[[\"a\"],1]]");
    }

    @Test
    void read_sharedReferences_areRenderedAtEachPlace_asSeparateNodes() throws Exception {
        Line shared = new Line("sku", 1, new BigDecimal("2.00"));
        JsonNode tree = read(new Pair(shared, List.of(shared, shared)));

        assertThat(tree.toString()).isEqualTo("{\"left\":{\"quantity\":1,\"price\":2.00,\"sku\":\"sku\"},"
                + "\"right\":[{\"quantity\":1,\"price\":2.00,\"sku\":\"sku\"},{\"quantity\":1,\"price\":2.00,\"sku\":\"sku\"}]}");
        assertThat(tree.get("left")).isNotSameAs(tree.get("right").get(0)); // no node has two parents
    }

    @Test
    void read_cyclicGraph_isCorrupt() {
        Node a = new Node("a");
        Node b = new Node("b");
        a.next = b;
        b.next = a;
        List<Object> selfContaining = new ArrayList<>();
        selfContaining.add(selfContaining);
        Object[] selfArray = new Object[1];
        selfArray[0] = selfArray;

        assertThat(reason(a)).isEqualTo("java-serialization: cyclic reference to " + TEST + "Node");
        assertThat(reason(selfContaining)).isEqualTo("java-serialization: cyclic reference to java.util.ArrayList");
        assertThat(reason(selfArray)).isEqualTo("java-serialization: cyclic reference to [Ljava.lang.Object;");
    }

    @Test
    void read_acyclicGraphWithBackReferences_isRead() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        a.next = b;

        assertThat(json(new Pair(a, b))).isEqualTo("{\"left\":{\"name\":\"a\",\"next\":{\"name\":\"b\",\"next\":null}},"
                + "\"right\":{\"name\":\"b\",\"next\":null}}");
    }

    @Test
    void read_customWriteObjectData_isCorruptNamingTheClass() throws Exception {
        assertThat(reason(new Money())).isEqualTo("java-serialization: custom writeObject data in " + TEST + "Money");
        assertThat(reason(new Holder(new Money()))).isEqualTo("java-serialization: custom writeObject data in " + TEST + "Money");
        assertThat(json(new Validated())).isEqualTo("{\"code\":\"A-1\"}");
    }

    @Test
    void read_externalizable_isCorruptNamingTheClass() {
        assertThat(reason(new Ext())).isEqualTo("java-serialization: Externalizable class " + TEST + "Ext");
    }

    @Test
    void read_proxy_isCorruptNamingItsInterfaces() {
        Object proxy = Proxy.newProxyInstance(Api.class.getClassLoader(), new Class<?>[] {Api.class}, new Handler());

        assertThat(reason(proxy)).isEqualTo("java-serialization: dynamic proxy class (" + TEST + "Api)");
    }

    @Test
    void read_subclassOfAKnownCollection_readsAsItOnlyWhenItAddsNothing() throws Exception {
        TaggedLines tagged = new TaggedLines();
        tagged.add("x");

        assertThat(json(lines(List.of("x")))).isEqualTo("[\"x\"]");
        assertThat(reason(tagged)).isEqualTo("java-serialization: subclass " + TEST + "TaggedLines of java.util.ArrayList adds fields or data");
    }

    @Test
    void read_jdkClassWithCustomData_isCorruptNamingIt() {
        assertThat(reason(new java.util.GregorianCalendar(2025, 2, 31)))
                .isEqualTo("java-serialization: custom writeObject data in java.util.Calendar");
    }

    @Test
    void read_fieldDeclaredInAClassAndItsSuperclass_isCorrupt() {
        // which of the two a column means is ambiguous: refused rather than guessed
        assertThat(reason(new Derived())).isEqualTo("java-serialization: field id declared twice in the hierarchy of " + TEST + "Derived");
    }

    @Test
    void read_numbersBeyondAnyColumn_areCorrupt() {
        BigInteger huge = BigInteger.ONE.shiftLeft(8 * JdkValues.MAX_BIG_INTEGER_BYTES);

        assertThat(reason(huge)).isEqualTo("java-serialization: java.math.BigInteger larger than 512 bytes");
        assertThat(reason(new BigDecimal(BigInteger.ONE, 100_001)))
                .isEqualTo("java-serialization: java.math.BigDecimal with a scale beyond 100000");
        assertThat(reason(new BigDecimal(BigInteger.ONE, -100_001)))
                .isEqualTo("java-serialization: java.math.BigDecimal with a scale beyond 100000");
    }

    @Test
    void reasons_nameOnlyPlausibleJavaNames() {
        assertThat(Reasons.name("com.example.Order$Line")).isEqualTo("com.example.Order$Line");
        assertThat(Reasons.name("[Ljava.lang.String;")).isEqualTo("[Ljava.lang.String;");
        assertThat(Reasons.name("evil\nINFO forged log line")).isEqualTo("(unprintable name)");
        assertThat(Reasons.name("x".repeat(201))).isEqualTo("(unprintable name)");
        assertThat(Reasons.name("")).isEqualTo("(unprintable name)");
    }

    @Test
    void read_classObjects_asTheirNames() throws Exception {
        assertThat(json(List.of(String.class, int[].class, Status.class)))
                .isEqualTo("[\"java.lang.String\",\"[I\",\"" + TEST + "Status\"]");
    }

    @Test
    void read_whenTheWriterFailed_isCorrupt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Holder(new Object())); // Object is not Serializable: the stream records TC_EXCEPTION
        } catch (NotSerializableException expected) {
            // what the application saw; the partial stream is what we read
        }

        assertThat(reason(bytes.toByteArray(), LIMITS))
                .isEqualTo("java-serialization: the writer failed while writing the object (TC_EXCEPTION)");
    }

    @Test
    void read_streamsThatAreNotOneObject_areCorrupt() throws Exception {
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(two)) {
            out.writeObject("a");
            out.writeObject("b");
        }
        ByteArrayOutputStream primitive = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(primitive)) {
            out.writeInt(1);
        }
        ByteArrayOutputStream nothing = new ByteArrayOutputStream();
        new ObjectOutputStream(nothing).close();

        assertThat(reason(two.toByteArray(), LIMITS)).isEqualTo("java-serialization: malformed stream (bytes after the object)");
        assertThat(reason(primitive.toByteArray(), LIMITS))
                .isEqualTo("java-serialization: malformed stream (block data where an object was expected)");
        assertThat(reason(nothing.toByteArray(), LIMITS)).isEqualTo("java-serialization: truncated");
        assertThat(reason("{\"id\":1}".getBytes(StandardCharsets.UTF_8), LIMITS))
                .isEqualTo("java-serialization: not a Java serialisation stream (it does not start with 0xACED0005)");
        assertThat(reason(new byte[0], LIMITS))
                .isEqualTo("java-serialization: not a Java serialisation stream (it does not start with 0xACED0005)");
    }

    @Test
    void read_beyondTheLimits_isCorruptNamingTheLimit() {
        List<Object> deep = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        // 2^40 elements by reference from a stream of a few hundred bytes
        List<Object> wide = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            wide = new ArrayList<>(List.of(wide, wide));
        }
        byte[] wideBytes = Serialized.of(wide);

        assertThat(reason(deep)).isEqualTo("java-serialization: nested deeper than 64 (maxDepth)");
        assertThat(wideBytes.length).isLessThan(1_000);
        assertThat(reason(wideBytes, LIMITS)).isEqualTo("java-serialization: more than 1000000 nodes (maxNodes)");
        assertThat(reason(wideBytes, new ReadLimits(100, 64, 10))).isEqualTo("too-large: " + wideBytes.length + " bytes > check.maxValueBytes 100");
        assertThat(reason(Serialized.of(new int[1000]), new ReadLimits(1 << 20, 64, 500)))
                .isEqualTo("java-serialization: more than 500 nodes (maxNodes)");
    }

    @Test
    void read_deepNesting_isBoundedByTheReader_whateverTheLimitsSay() throws Exception {
        byte[] deepStream = onBigStack(() -> {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                list = new ArrayList<>(List.of(list));
            }
            return Serialized.of(list); // ObjectOutputStream itself needs a deep stack to write this
        });
        // shallow in the stream (each list refers back to the previous one), deep only once rendered as a tree
        List<Object> chain = new ArrayList<>();
        List<Object> previous = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            previous = new ArrayList<>(List.of(previous));
            chain.add(previous);
        }
        byte[] deepTree = Serialized.of(chain);
        ReadLimits unbounded = new ReadLimits(1 << 20, 100_000, 10_000_000);
        String[] reasons = new String[2];
        // read on a thread with half the default stack (512 KiB): the reader's own bound is what protects it
        Thread t = new Thread(null, () -> {
            reasons[0] = reason(deepStream, unbounded);
            reasons[1] = reason(deepTree, unbounded);
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();

        assertThat(reasons).containsOnly("java-serialization: nested deeper than " + JavaSerializationReader.MAX_DEPTH + " (maxDepth)");
    }

    static byte[] onBigStack(java.util.function.Supplier<byte[]> writer) throws InterruptedException {
        byte[][] result = new byte[1][];
        Thread t = new Thread(null, () -> result[0] = writer.get(), "big-stack", 512L << 20);
        t.start();
        t.join();
        return result[0];
    }

    @Test
    void hasStreamHeader_recognisesObjectOutputStreamValues() {
        assertThat(JavaSerializationReader.hasStreamHeader(Serialized.of("x"))).isTrue();
        assertThat(JavaSerializationReader.hasStreamHeader("{}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(JavaSerializationReader.hasStreamHeader(new byte[] {(byte) 0xAC, (byte) 0xED})).isFalse();
    }
}
