package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An array (TC_ARRAY). {@link #values} is a primitive array for primitive element types, otherwise an
 * {@code Object[]} of stream values.
 */
final class JavaArray {
    final ClassDesc desc;
    final Object values;
    /** While the array's elements are being rendered: meeting it again is a cycle. */
    boolean rendering;
    /** The rendered text of a byte[] or char[], kept so that references to one big array cost nothing. */
    JsonNode rendered;

    JavaArray(ClassDesc desc, Object values) {
        this.desc = desc;
        this.values = values;
    }
}
