package io.cachecheck.decode;

import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The root of a decoded value that says "the application cached that there is no value" (Spring's {@code NullValue},
 * written when a cached method returned null). It equals an absent source row: such a key is CONSISTENT when the row
 * does not exist, and differs from a row that does.
 */
public final class CachedNull extends NullNode {
    private static final long serialVersionUID = 1L;
    public static final CachedNull INSTANCE = new CachedNull();

    private CachedNull() {
    }
}
