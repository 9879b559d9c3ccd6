package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.UndecodableException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * JDK value classes that become scalars: boxed primitives, BigInteger, BigDecimal, UUID, java.util.Date and
 * java.sql.Timestamp (instants), URI and Currency (text), and Spring's cached-null marker (null).
 */
final class JdkValues {
    /** About 1,230 decimal digits: far beyond any column type, small enough that printing one stays cheap. */
    static final int MAX_BIG_INTEGER_BYTES = 512;
    /** The largest BigDecimal scale accepted either way, as Jackson's default for numbers read from JSON. */
    static final int MAX_SCALE = 100_000;

    private static final String BIG_INTEGER = "java.math.BigInteger";
    private static final String BIG_DECIMAL = "java.math.BigDecimal";
    private static final String DATE = "java.util.Date";
    private static final String TIMESTAMP = "java.sql.Timestamp";

    private JdkValues() {
    }

    static void register(Map<String, KnownClass> classes) {
        boxed(classes, "java.lang.Integer", 'I');
        boxed(classes, "java.lang.Long", 'J');
        boxed(classes, "java.lang.Short", 'S');
        boxed(classes, "java.lang.Byte", 'B');
        boxed(classes, "java.lang.Double", 'D');
        boxed(classes, "java.lang.Float", 'F');
        boxed(classes, "java.lang.Boolean", 'Z');
        boxed(classes, "java.lang.Character", 'C');
        boxed(classes, "java.util.concurrent.atomic.AtomicInteger", 'I');
        boxed(classes, "java.util.concurrent.atomic.AtomicLong", 'J');
        classes.put("java.util.concurrent.atomic.AtomicBoolean",
                (o, tree, depth) -> BooleanNode.valueOf((Integer) field(o, "java.util.concurrent.atomic.AtomicBoolean", "value", 'I') != 0));
        classes.put(BIG_INTEGER, (o, tree, depth) -> BigIntegerNode.valueOf(bigInteger(o)));
        classes.put(BIG_DECIMAL, (o, tree, depth) -> DecimalNode.valueOf(bigDecimal(o)));
        classes.put("java.util.UUID", (o, tree, depth) -> TextNode.valueOf(new UUID(
                (Long) field(o, "java.util.UUID", "mostSigBits", 'J'),
                (Long) field(o, "java.util.UUID", "leastSigBits", 'J')).toString()));
        classes.put(DATE, (o, tree, depth) -> TextNode.valueOf(TimeText.instantMillis(Instant.ofEpochMilli(dateMillis(o)))));
        classes.put(TIMESTAMP, JdkValues::timestamp);
        classes.put("java.net.URI", (o, tree, depth) -> text(o, "java.net.URI", "string"));
        classes.put("java.util.Currency", (o, tree, depth) -> text(o, "java.util.Currency", "currencyCode"));
        // Spring's RedisCache stores a cached null as NullValue.INSTANCE (allowNullValues, the default)
        classes.put("org.springframework.cache.support.NullValue", (o, tree, depth) -> {
            o.data("org.springframework.cache.support.NullValue").requireNoCustomData();
            return io.cachecheck.decode.CachedNull.INSTANCE; // "there is no such row", not a null value
        });
    }

    private static void boxed(Map<String, KnownClass> classes, String className, char typeCode) {
        classes.put(className, (o, tree, depth) -> TreeBuilder.primitive(field(o, className, "value", typeCode)));
    }

    /** A field of a known class that writes nothing beyond its fields. */
    private static Object field(JavaObject o, String className, String field, char typeCode) throws UndecodableException {
        ClassData data = o.data(className);
        data.requireNoCustomData();
        return data.value(field, typeCode);
    }

    private static JsonNode text(JavaObject o, String className, String field) throws UndecodableException {
        if (field(o, className, field, 'L') instanceof String s) {
            return TextNode.valueOf(s);
        }
        throw Reasons.unexpectedData(className);
    }

    /** BigInteger's serial form: signum and a big-endian magnitude (plus legacy fields that are ignored). */
    static BigInteger bigInteger(JavaObject o) throws UndecodableException {
        ClassData data = o.data(BIG_INTEGER);
        data.requireNoCustomData();
        int signum = data.intValue("signum");
        if (!(data.value("magnitude", '[') instanceof JavaArray a) || !(a.values instanceof byte[] magnitude)
                || signum < -1 || signum > 1) {
            throw Reasons.unexpectedData(BIG_INTEGER);
        }
        if (magnitude.length > MAX_BIG_INTEGER_BYTES) {
            throw Reasons.corrupt(BIG_INTEGER + " larger than " + MAX_BIG_INTEGER_BYTES + " bytes");
        }
        BigInteger value = new BigInteger(1, magnitude);
        if ((value.signum() == 0) != (signum == 0)) { // as BigInteger.readObject: signum-magnitude mismatch
            throw Reasons.unexpectedData(BIG_INTEGER);
        }
        return signum < 0 ? value.negate() : value;
    }

    /** BigDecimal's serial form: the unscaled BigInteger intVal and the scale (exact: the scale is kept). */
    private static BigDecimal bigDecimal(JavaObject o) throws UndecodableException {
        ClassData data = o.data(BIG_DECIMAL);
        data.requireNoCustomData();
        int scale = data.intValue("scale");
        if (!(data.value("intVal", 'L') instanceof JavaObject unscaled) || !unscaled.desc.name().equals(BIG_INTEGER)) {
            throw Reasons.unexpectedData(BIG_DECIMAL);
        }
        if (scale > MAX_SCALE || scale < -MAX_SCALE) {
            throw Reasons.corrupt(BIG_DECIMAL + " with a scale beyond " + MAX_SCALE);
        }
        return new BigDecimal(bigInteger(unscaled), scale);
    }

    /** Date.writeObject: no fields, then the time as a long of milliseconds. */
    private static long dateMillis(JavaObject o) throws UndecodableException {
        ClassData data = o.data(DATE);
        CustomData in = data.customData();
        long millis = in.readLong();
        in.expectEnd();
        if (data.hasFields()) {
            throw Reasons.unexpectedData(DATE);
        }
        return millis;
    }

    /** A Timestamp is a Date holding whole seconds plus its nanos field (as Timestamp.toInstant reads it). */
    private static JsonNode timestamp(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        long millis = dateMillis(o);
        int nanos = (Integer) field(o, TIMESTAMP, "nanos", 'I');
        if (nanos < 0 || nanos > 999_999_999) {
            throw Reasons.unexpectedData(TIMESTAMP);
        }
        return TextNode.valueOf(TimeText.instant(Instant.ofEpochSecond(Math.floorDiv(millis, 1000), nanos)));
    }
}
