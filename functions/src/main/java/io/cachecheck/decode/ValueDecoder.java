package io.cachecheck.decode;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the stored bytes of a cached value into the fields that are compared: a Redis string holding a JSON object
 * or one scalar text, or a Redis hash. Every way a value can fail to decode is a CORRUPT reason
 * ({@link CorruptReasons}), never an exception.
 */
public final class ValueDecoder {
    /**
     * Cached JSON is read strictly: a field written twice is ambiguous (parsers disagree on which one wins), so the
     * value is CORRUPT ({@code duplicate-field}) instead of compared by its last occurrence.
     */
    private static final ObjectMapper CACHED_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ValueDecoder() {
    }

    /**
     * A Redis string: a JSON object ({@code jsonObject}), or one scalar compared as text (field {@code value}).
     *
     * @param shape the fields a JSON object may have; null to accept any (and for scalar text)
     */
    public static Decoded string(byte[] bytes, boolean jsonObject, FieldShape shape, int maxValueBytes) {
        if (bytes.length > maxValueBytes) {
            return Decoded.corrupt(CorruptReasons.tooLarge(bytes.length, maxValueBytes));
        }
        if (!jsonObject) {
            String s = Utf8.decode(bytes);
            return s == null ? Decoded.corrupt(CorruptReasons.NOT_UTF8) : Decoded.of(Map.of("value", s));
        }
        Map<String, Object> fields = FlatJson.object(bytes);
        if (fields == null) {
            JsonNode node;
            try {
                node = CACHED_JSON.readTree(bytes);
            } catch (IOException e) {
                String message = e.getMessage() == null ? "" : e.getMessage();
                return Decoded.corrupt(message.startsWith("Duplicate field") ? CorruptReasons.DUPLICATE_FIELD
                        : message.startsWith("Invalid UTF-8") ? CorruptReasons.NOT_UTF8 : CorruptReasons.INVALID_JSON);
            }
            if (node == null || !node.isObject()) {
                return Decoded.corrupt(CorruptReasons.NOT_A_JSON_OBJECT);
            }
            fields = FlatJson.treeFields(node);
        }
        return checked(fields, shape);
    }

    /**
     * A Redis hash: every field name and value as UTF-8 text.
     *
     * @param shape the fields the hash may have; null to accept any
     */
    public static Decoded hash(Map<byte[], byte[]> hash, FieldShape shape, int maxValueBytes) {
        Map<String, Object> fields = new HashMap<>(hash.size() * 2);
        long size = 0;
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            size += e.getKey().length + e.getValue().length;
            String name = Utf8.decode(e.getKey());
            String v = Utf8.decode(e.getValue());
            if (name == null || v == null) {
                return Decoded.corrupt(CorruptReasons.NOT_UTF8);
            }
            fields.put(name, v);
        }
        if (size > maxValueBytes) {
            return Decoded.corrupt(CorruptReasons.tooLarge(size, maxValueBytes));
        }
        return checked(fields, shape);
    }

    private static Decoded checked(Map<String, Object> fields, FieldShape shape) {
        List<String> unexpected = shape == null ? null : shape.unexpected(fields);
        if (unexpected != null) {
            return new Decoded(null, CorruptReasons.UNEXPECTED_FIELDS, unexpected);
        }
        return Decoded.of(fields);
    }
}
