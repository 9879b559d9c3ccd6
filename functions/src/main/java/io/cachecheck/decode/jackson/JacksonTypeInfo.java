package io.cachecheck.decode.jackson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.decode.CachedNull;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeTransform;
import io.cachecheck.decode.UndecodableException;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes the type information that Jackson's default typing writes, leaving the values as plain JSON would hold
 * them. Written by Spring Data Redis' {@code GenericJackson2JsonRedisSerializer} (default settings and its builder's
 * {@code defaultTyping(true)}), and by {@code ObjectMapper.activateDefaultTyping} with {@code As.PROPERTY} or the
 * default {@code As.WRAPPER_ARRAY}, under any {@code DefaultTyping}:
 * <ul>
 *   <li>an object's type property ({@code "@class": "app.Order"}, or the configured name) is dropped, at every level
 *       and for maps too ({@code {"@class":"java.util.LinkedHashMap", ...}});</li>
 *   <li>a wrapper array {@code ["<type id>", payload]} becomes its payload: scalars ({@code ["java.math.BigDecimal",
 *       12.50]} is {@code 12.50}, {@code ["java.util.Date", 1743392056100]} is the epoch milliseconds), collections and
 *       arrays ({@code ["java.util.ArrayList", [...]]}), beans and maps under WRAPPER_ARRAY ({@code ["app.Order",
 *       {...}]}), enums and UUIDs; the payload's own elements are read in their turn;</li>
 *   <li>Spring's {@code NullValue} (the cached "no value" of a method that returned null) is {@link CachedNull} at the
 *       root and null below it.</li>
 * </ul>
 *
 * <p>A wrapper array is recognised by its shape: exactly two elements, the first a Java binary class name with a
 * package ({@code java.math.BigDecimal}, {@code app.Main$Line}, {@code [Ljava.lang.String;}, {@code [I}). Where the
 * application's typing leaves a value untyped (Spring's default and {@code NON_FINAL} leave {@code String[]} and
 * final classes untyped), a two-element array whose first element is a string that looks like such a class name
 * ({@code ["com.example", "x"]}) cannot be told from a wrapper and is read as one: docs/formats.md says so.
 */
public final class JacksonTypeInfo implements TreeTransform {
    public static final String DEFAULT_TYPE_PROPERTY = "@class";
    static final String NULL_VALUE = "org.springframework.cache.support.NullValue";
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\[+(?:[BCDFIJSZ]|L[\\p{L}_$][\\p{L}\\p{N}_$]*(?:\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)+;)"
                    + "|[\\p{L}_$][\\p{L}\\p{N}_$]*(?:\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)+");

    private final String typeProperty;

    public JacksonTypeInfo(String typeProperty) {
        this.typeProperty = typeProperty;
    }

    public JacksonTypeInfo() {
        this(DEFAULT_TYPE_PROPERTY);
    }

    public String typeProperty() {
        return typeProperty;
    }

    @Override
    public JsonNode apply(JsonNode root, ReadLimits limits) throws UndecodableException {
        if (isNullValue(root)) {
            return CachedNull.INSTANCE;
        }
        return typed(root, 0, limits);
    }

    /** A value in a position Jackson may have typed. */
    private JsonNode typed(JsonNode node, int depth, ReadLimits limits) throws UndecodableException {
        if (node.isObject()) {
            return object((ObjectNode) node, true, depth, limits);
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            if (isWrapper(array)) {
                JsonNode payload = array.get(1);
                if (payload.isArray()) {
                    return elements((ArrayNode) payload, depth + 1, limits); // a collection's or an array's elements
                }
                if (payload.isObject()) {
                    return object((ObjectNode) payload, false, depth + 1, limits); // a bean or map under WRAPPER_ARRAY
                }
                return payload; // a scalar
            }
            return elements(array, depth, limits);
        }
        return node;
    }

    private JsonNode elements(ArrayNode array, int depth, ReadLimits limits) throws UndecodableException {
        guard(depth, limits);
        for (int i = 0; i < array.size(); i++) {
            array.set(i, typed(array.get(i), depth + 1, limits));
        }
        return array;
    }

    /** @param typedByProperty whether the object may carry the type property (not the payload of a wrapper array) */
    private JsonNode object(ObjectNode object, boolean typedByProperty, int depth, ReadLimits limits) throws UndecodableException {
        guard(depth, limits);
        if (typedByProperty) {
            if (isNullValue(object)) {
                return NullNode.getInstance();
            }
            JsonNode type = object.get(typeProperty);
            if (type != null) {
                if (!type.isTextual()) {
                    throw new UndecodableException("jackson-typed: the type property " + typeProperty + " does not hold a class name");
                }
                object.remove(typeProperty);
            }
        }
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            e.setValue(typed(e.getValue(), depth + 1, limits));
        }
        return object;
    }

    private boolean isNullValue(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.path(typeProperty).isTextual()
                && node.get(typeProperty).textValue().equals(NULL_VALUE);
    }

    /** Whether {@code node} is a two-element array whose first element is a Java class name (a type wrapper). */
    public static boolean looksLikeWrapper(JsonNode node) {
        return node.isArray() && isWrapper((ArrayNode) node);
    }

    static boolean isWrapper(ArrayNode array) {
        return array.size() == 2 && array.get(0).isTextual() && CLASS_NAME.matcher(array.get(0).textValue()).matches();
    }

    private static void guard(int depth, ReadLimits limits) throws UndecodableException {
        // the reader already bounds the nesting; this keeps the recursion bounded for any tree handed in
        if (depth > 4 * limits.maxDepth() + 2000) {
            throw new UndecodableException("too-large: nesting deeper than the type information can be removed from");
        }
    }
}
