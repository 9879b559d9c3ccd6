package io.cachecheck.decode;

/**
 * Bounds on what a {@link TreeReader} may build from one value, so that hostile bytes cost bounded memory and time.
 *
 * @param maxBytes  the most bytes a value may have, compressed or decompressed (check.maxValueBytes)
 * @param maxDepth  the deepest nesting of objects and arrays
 * @param maxNodes  the most tree nodes (objects, arrays, scalars, back-references) one value may produce
 */
public record ReadLimits(long maxBytes, int maxDepth, int maxNodes) {
    public static final int DEFAULT_MAX_DEPTH = 64;
    public static final int DEFAULT_MAX_NODES = 1_000_000;

    public ReadLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxBytes + ", " + maxDepth + ", " + maxNodes);
        }
    }

    public static ReadLimits ofMaxBytes(long maxBytes) {
        return new ReadLimits(maxBytes, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);
    }
}
