package io.cachecheck.decode;

import java.util.List;
import java.util.Map;

/**
 * A decoded cached value: its fields (field name to {@code JsonNode} or {@code String}), or why it could not be
 * decoded ({@code corruptReason}, and for {@code unexpected-fields} the fields it names).
 *
 * @param cachedNull the value is a framework's marker for a cached "no value" ({@link CachedNull}); its fields are
 *                   empty
 */
public record Decoded(Map<String, Object> fields, String corruptReason, List<String> corruptFields, boolean cachedNull) {
    /** A cached "no value": no fields. */
    public static final Decoded CACHED_NULL = new Decoded(Map.of(), null, List.of(), true);

    public boolean corrupt() {
        return corruptReason != null;
    }

    public static Decoded of(Map<String, Object> fields) {
        return new Decoded(fields, null, List.of(), false);
    }

    public static Decoded corrupt(String reason) {
        return new Decoded(null, reason, List.of(), false);
    }

    public static Decoded unexpectedFields(List<String> fields) {
        return new Decoded(null, CorruptReasons.UNEXPECTED_FIELDS, List.copyOf(fields), false);
    }
}
