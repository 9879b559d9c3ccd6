package io.cachecheck.decode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one serialisation format (JSON, MessagePack, Java serialisation, PHP serialize, Python pickle, ...) from
 * untrusted bytes into the neutral value tree that the comparison understands.
 *
 * <p>The neutral tree is a Jackson {@link JsonNode}: objects are {@code ObjectNode}s keyed by field name; integers are
 * int, long or big-integer nodes; decimals are {@code DecimalNode}s holding the exact value (scale kept: the
 * comparison decides equality); text is a {@code TextNode}; booleans and null as such; lists and sets are
 * {@code ArrayNode}s in stream order. Date-times are ISO-8601 text: an instant or an offset date-time with its offset
 * ({@code 2025-03-31T03:34:16.100Z}), a local date-time without one, a date as {@code yyyy-MM-dd}. Enums are their
 * constant name, UUIDs their canonical text, binary data base64 text.
 *
 * <p>Implementations never execute or load code, and stop with {@link UndecodableException} when the bytes break a
 * bound of {@link ReadLimits} or cannot be interpreted.
 */
@FunctionalInterface
public interface TreeReader {
    JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException;
}
