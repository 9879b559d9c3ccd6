package io.cachecheck.decode;

import java.util.List;
import java.util.Map;

/**
 * A decoded cached value: its fields (field name to {@code JsonNode} or {@code String}), or why it could not be
 * decoded ({@code corruptReason}, and for {@code unexpected-fields} the fields it names).
 */
public record Decoded(Map<String, Object> fields, String corruptReason, List<String> corruptFields) {
    public boolean corrupt() {
        return corruptReason != null;
    }

    public static Decoded of(Map<String, Object> fields) {
        return new Decoded(fields, null, List.of());
    }

    public static Decoded corrupt(String reason) {
        return new Decoded(null, reason, List.of());
    }
}
