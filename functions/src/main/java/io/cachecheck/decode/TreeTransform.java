package io.cachecheck.decode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A decode step from a value tree to a value tree, such as removing a framework's type information or taking the
 * payload out of an envelope. It may return {@link CachedNull#INSTANCE} when the tree is a framework's marker for a
 * cached "no value" (Spring's {@code NullValue}).
 */
@FunctionalInterface
public interface TreeTransform {
    JsonNode apply(JsonNode root, ReadLimits limits) throws UndecodableException;
}
