package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.decode.UndecodableException;

import java.util.ArrayList;
import java.util.List;

/**
 * A map in the neutral tree. When every key renders as text, an integer or a boolean (String, enum, UUID, boxed
 * integers, java.time values...) and no two keys have the same text, the map is an object keyed by that text, in
 * stream order, as JSON serialisers write such maps. Otherwise (a null key, an object or decimal key, two keys with
 * the same text such as 1 and "1") it is an array of two-element arrays {@code [key, value]}, in stream order, so that
 * nothing is lost or merged.
 */
final class MapBuilder {
    private final TreeBuilder tree;
    private final int depth;
    private final List<JsonNode> keys = new ArrayList<>();
    private final List<JsonNode> values = new ArrayList<>();
    private boolean textKeys = true;

    MapBuilder(TreeBuilder tree, int depth) {
        this.tree = tree;
        this.depth = depth;
    }

    void put(Object key, Object value) throws UndecodableException {
        JsonNode k = tree.render(key, depth + 1);
        keys.add(k);
        values.add(tree.render(value, depth + 1));
        textKeys &= k.isTextual() || k.isInt() || k.isLong() || k.isBoolean();
    }

    JsonNode build() throws UndecodableException {
        if (textKeys) {
            ObjectNode node = TreeBuilder.NODES.objectNode();
            for (int i = 0; i < keys.size(); i++) {
                if (node.putIfAbsent(keys.get(i).asText(), values.get(i)) != null) {
                    return pairs();
                }
            }
            return node;
        }
        return pairs();
    }

    private JsonNode pairs() throws UndecodableException {
        ArrayNode node = TreeBuilder.NODES.arrayNode(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            tree.count();
            node.add(TreeBuilder.NODES.arrayNode(2).add(keys.get(i)).add(values.get(i)));
        }
        return node;
    }
}
