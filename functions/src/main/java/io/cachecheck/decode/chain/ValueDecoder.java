package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.Decoded;
import io.cachecheck.decode.FieldShape;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import io.cachecheck.decode.Utf8;
import io.cachecheck.decode.json.FlatJson;
import io.cachecheck.decode.json.JsonReader;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The valueType behaviour: a Redis string holding a JSON object or one scalar text, or a Redis hash whose fields are
 * text. The plain-JSON path streams flat objects straight into the field map ({@link FlatJson}) and reads anything
 * else as a tree ({@link JsonReader}).
 */
final class ValueDecoder {
    private static final JsonReader JSON = new JsonReader();

    private ValueDecoder() {
    }

    /**
     * A Redis string: a JSON object ({@code jsonObject}), or one scalar compared as text (field {@code value}).
     *
     * @param shape the fields a JSON object may have; null to accept any (and for scalar text)
     */
    static Decoded string(byte[] bytes, boolean jsonObject, FieldShape shape, int maxValueBytes) {
        if (bytes.length > maxValueBytes) {
            return Decoded.corrupt(CorruptReasons.tooLarge(bytes.length, maxValueBytes));
        }
        if (!jsonObject) {
            String s = Utf8.text(bytes);
            return s == null ? Decoded.corrupt(CorruptReasons.NOT_UTF8) : Decoded.of(Map.of("value", s));
        }
        Map<String, Object> fields = FlatJson.object(bytes);
        if (fields == null) {
            JsonNode node;
            try {
                node = JSON.read(bytes, ReadLimits.ofMaxBytes(maxValueBytes));
            } catch (UndecodableException e) {
                return Decoded.corrupt(e.reason());
            }
            if (!node.isObject()) {
                return Decoded.corrupt(CorruptReasons.NOT_A_JSON_OBJECT);
            }
            fields = FlatJson.treeFields(node);
            Decoded decoded = checked(fields, shape);
            Decoded typed = decoded.corrupt() ? null : jacksonTypeWrapper(fields);
            return typed != null ? typed : decoded;
        }
        return checked(fields, shape);
    }

    private static final java.util.regex.Pattern JDK_CLASS = java.util.regex.Pattern.compile("java\\.(math|util|sql|time|lang)\\.[A-Za-z0-9_$.]+");

    /**
     * A value read as plain JSON whose field holds Jackson's type wrapper ({@code ["java.math.BigDecimal", 12.50]},
     * {@code ["java.util.ArrayList", [...]]}), which only a {@code jackson-typed} step removes. Compared as it is, every
     * such field would differ from its column: thousands of false STALE keys, and a plan to delete them, for a user who
     * ignored {@code @class} instead of declaring the step. So it is CORRUPT, saying what to declare. Only JDK class
     * names count, so an application's own two-element arrays are not mistaken for it.
     */
    static Decoded jacksonTypeWrapper(Map<String, Object> fields) {
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getValue() instanceof JsonNode n && n.isArray() && n.size() == 2 && n.get(0).isTextual()
                    && JDK_CLASS.matcher(n.get(0).textValue()).matches()) {
                // the caller's format hint adds what to declare
                return Decoded.corrupt("jackson-type-information: field " + e.getKey() + " holds a Jackson type wrapper"
                        + " ([\"<JDK class>\", value])");
            }
        }
        return null;
    }

    /**
     * A Redis hash: every field name and value as UTF-8 text.
     *
     * @param shape the fields the hash may have; null to accept any
     */
    static Decoded hash(Map<byte[], byte[]> hash, FieldShape shape, int maxValueBytes) {
        Map<String, Object> fields = new HashMap<>(hash.size() * 2);
        long size = 0;
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            size += e.getKey().length + e.getValue().length;
            String name = Utf8.text(e.getKey());
            String v = Utf8.text(e.getValue());
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
        return unexpected == null ? Decoded.of(fields) : Decoded.unexpectedFields(unexpected);
    }
}
