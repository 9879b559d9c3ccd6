package io.cachecheck.decode.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON parser settings for cached values.
 *
 * <p><b>Limits.</b> The value's size is bounded by {@code check.maxValueBytes} before it is parsed, and a string has
 * at most as many characters as the value has bytes, so Jackson's string-length limit (20 million characters by
 * default) is lifted: a correct 25 MiB text field under a high {@code maxValueBytes} is compared, not refused. The
 * other limits stay at Jackson's defaults (nesting 1000, numbers of 1000 digits, names of 50,000 characters); a
 * value past one of them is CORRUPT {@code too-large} (not compared, so never remediated), see {@link JsonReader}.
 *
 * <p><b>Encoding.</b> Jackson detects UTF-16 and UTF-32 by itself (from a byte-order mark or zero bytes), but an
 * application that reads UTF-8 cannot read such a value: {@link #notUtf8Start} refuses it first.
 */
final class StrictJson {
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE).build();

    /**
     * Streams flat objects (see {@link FlatJson}); duplicates are caught by the field map there. Each mapper has a
     * factory of its own: a mapper's parser features are set on its factory, so a shared one would give this fast
     * path the duplicate detection of the tree mapper (a set per object, a third of the decode's allocation).
     */
    static final ObjectMapper FLAT = JsonMapper.builder(factory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /**
     * Reads trees strictly: a field written twice is ambiguous (parsers disagree on which one wins), so the value is
     * CORRUPT ({@code duplicate-field}) instead of compared by its last occurrence.
     */
    static final ObjectMapper TREE = JsonMapper.builder(factory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    private static JsonFactory factory() {
        return JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    }

    /**
     * Whether the bytes start the way UTF-16 or UTF-32 text does: a UTF-16 byte-order mark (which also starts the
     * little-endian UTF-32 one), or a zero byte among the first four. UTF-8 JSON never has a zero byte (NUL must be
     * escaped in strings and is not whitespace), so this refuses no UTF-8 value. A UTF-8 byte-order mark is UTF-8
     * and stays accepted, as Jackson accepts it.
     */
    static boolean notUtf8Start(byte[] bytes) {
        int n = bytes.length;
        if (n >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            return true;
        }
        for (int i = 0; i < 4 && i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
