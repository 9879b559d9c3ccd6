package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeTransform;
import io.cachecheck.decode.UndecodableException;

/**
 * Takes the payload out of a cache library's envelope, such as {@code {"value": {...}, "expires": 1743392056100}}
 * written by Node's keyv (and cache-manager on top of it): the value becomes the field at {@code path} (dotted through
 * objects), and the envelope's other fields are not compared.
 */
record Envelope(String path) implements TreeTransform {
    @Override
    public JsonNode apply(JsonNode root, ReadLimits limits) throws UndecodableException {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.isObject() ? node.get(part) : null;
            if (node == null) {
                throw new UndecodableException("envelope: the value has no field " + path + " to unwrap");
            }
        }
        return node;
    }
}
