package io.cachecheck.decode.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.ShortestDecimal;
import io.cachecheck.decode.UndecodableException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the values a pickle built into the neutral tree: dicts become objects (str keys, or int keys as their
 * decimal text), lists, tuples, sets and frozensets arrays in stream order, bytes base64 text, floats the shortest
 * decimal of their double. A container met again inside itself is a cycle (CORRUPT); one met twice elsewhere is
 * written twice, and every written node counts against {@link ReadLimits#maxNodes()}.
 */
final class PickleTree {
    private final ReadLimits limits;
    private long nodes;

    PickleTree(ReadLimits limits) {
        this.limits = limits;
    }

    JsonNode of(Object v) throws UndecodableException {
        return node(v, 0);
    }

    private JsonNode node(Object v, int depth) throws UndecodableException {
        if (++nodes > limits.maxNodes()) {
            throw PickleMachine.fail("more than " + limits.maxNodes() + " nodes (shared values count each time)");
        }
        if (v instanceof Py.Container c) {
            return container(c, depth);
        }
        if (v == Py.None.INSTANCE) {
            return NullNode.getInstance();
        }
        if (v instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (v instanceof Long l) {
            return l == l.intValue() ? IntNode.valueOf(l.intValue()) : LongNode.valueOf(l);
        }
        if (v instanceof BigInteger b) {
            return BigIntegerNode.valueOf(b);
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw PickleMachine.fail("float inf or nan has no decimal value");
            }
            return DecimalNode.valueOf(ShortestDecimal.of(d));
        }
        if (v instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (v instanceof byte[] b) {
            return TextNode.valueOf(Base64.getEncoder().encodeToString(b));
        }
        if (v instanceof BigDecimal d) {
            return DecimalNode.valueOf(d);
        }
        if (v instanceof Py.DateText t) {
            return TextNode.valueOf(t.iso());
        }
        if (v instanceof Py.Global g) {
            throw PickleMachine.fail("the class " + g.qualified() + " itself is not a value");
        }
        if (v instanceof Py.Timedelta) {
            throw PickleMachine.fail("datetime.timedelta values are not read (only as a timezone offset)");
        }
        if (v instanceof Py.Timezone) {
            throw PickleMachine.fail("datetime.timezone values are not read (only as a datetime's zone)");
        }
        throw PickleMachine.fail("unexpected value"); // every value PickleMachine builds is handled above
    }

    private JsonNode container(Py.Container c, int depth) throws UndecodableException {
        if (c.visiting) {
            throw PickleMachine.fail("reference cycle (a container that contains itself)");
        }
        if (depth + 1 > limits.maxDepth()) {
            throw PickleMachine.fail("nesting deeper than " + limits.maxDepth());
        }
        c.visiting = true;
        JsonNode result;
        if (c.kind == Py.Container.Kind.DICT) {
            Map<String, JsonNode> fields = new LinkedHashMap<>(Math.max(16, c.items.size()));
            for (int i = 0; i + 1 < c.items.size(); i += 2) {
                String key = key(c.items.get(i));
                if (fields.put(key, node(c.items.get(i + 1), depth + 1)) != null) {
                    throw PickleMachine.fail("duplicate dict key");
                }
            }
            result = new ObjectNode(JsonNodeFactory.instance, fields);
        } else {
            List<JsonNode> elements = new ArrayList<>(c.items.size());
            for (Object item : c.items) {
                elements.add(node(item, depth + 1));
            }
            result = new ArrayNode(JsonNodeFactory.instance, elements);
        }
        c.visiting = false;
        return result;
    }

    /** A dict key as text: str as is, int as decimal digits; anything else (bytes, tuple, bool, None) is refused. */
    private static String key(Object k) throws UndecodableException {
        if (k instanceof String s) {
            return s;
        }
        if (k instanceof Long || k instanceof BigInteger) {
            return k.toString();
        }
        String type = k instanceof Boolean ? "bool" : k instanceof byte[] ? "bytes" : k == Py.None.INSTANCE ? "None"
                : k instanceof Double ? "float" : k instanceof Py.Container c ? c.kind.name().toLowerCase(java.util.Locale.ROOT)
                : "object";
        throw PickleMachine.fail("dict key of type " + type + " is not text or an integer");
    }
}
