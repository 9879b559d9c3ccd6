package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.UndecodableException;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;

/**
 * Turns parsed stream values into the neutral tree of {@link io.cachecheck.decode.TreeReader}: an object's fields from
 * all its serialisable classes in one object node (superclass fields first), known JDK classes by their
 * {@link KnownClass} form, arrays as array nodes.
 *
 * <p>Every value visited counts as one node, so references to one value from many places cannot multiply the work
 * beyond maxNodes. A reference back to an object that is still being rendered is a cycle, which a tree cannot hold:
 * CORRUPT. Scalar renderings are shared between references (they are immutable); containers are built anew each time
 * so that no node of the tree has two parents.
 */
final class TreeBuilder {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int maxDepth;
    private final int maxNodes;
    private final Map<String, KnownClass> known;
    private int nodes;

    TreeBuilder(int maxDepth, int maxNodes) {
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
        this.known = KnownClasses.ALL;
    }

    /** Counts one node; every rendered value, primitive array element and map entry passes here. */
    void count() throws UndecodableException {
        if (++nodes > maxNodes) {
            throw Reasons.tooManyNodes(maxNodes);
        }
    }

    /** Renders a stream value found at {@code depth} (the root is at depth 1). */
    JsonNode render(Object value, int depth) throws UndecodableException {
        count();
        if (value == null) {
            return NullNode.instance;
        }
        if (value instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (depth > maxDepth) {
            throw Reasons.tooDeep(maxDepth);
        }
        if (value instanceof JavaObject o) {
            return object(o, depth);
        }
        if (value instanceof JavaArray a) {
            return array(a, depth);
        }
        if (value instanceof JavaEnum e) {
            return TextNode.valueOf(e.constant());
        }
        if (value instanceof JavaClass c) {
            return TextNode.valueOf(c.desc().name());
        }
        if (value instanceof ClassDesc d) { // an ObjectStreamClass written as a value: rendered like a Class
            return TextNode.valueOf(d.name());
        }
        throw Reasons.malformed("unexpected value"); // not reached: the parser produces only the types above
    }

    /** A primitive field or element value, boxed by the parser. */
    static JsonNode primitive(Object boxed) {
        if (boxed instanceof Integer i) {
            return IntNode.valueOf(i);
        }
        if (boxed instanceof Long l) {
            return LongNode.valueOf(l);
        }
        if (boxed instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (boxed instanceof Character c) {
            return TextNode.valueOf(String.valueOf(c.charValue()));
        }
        if (boxed instanceof Double d) {
            return floating(d, Double.toString(d));
        }
        if (boxed instanceof Float f) {
            return floating(f, Float.toString(f));
        }
        return IntNode.valueOf(((Number) boxed).intValue()); // Byte, Short
    }

    /**
     * A float or double as the exact decimal of its shortest representation (Float.toString for a float, so 0.1f is
     * 0.1, not 0.100000001490116); NaN and the infinities, which no decimal holds, as the text Java prints for them.
     */
    private static JsonNode floating(double value, String text) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return TextNode.valueOf(text);
        }
        return DecimalNode.valueOf(new BigDecimal(text));
    }

    private JsonNode object(JavaObject o, int depth) throws UndecodableException {
        if (o.rendered != null) {
            return o.rendered;
        }
        if (o.rendering) {
            throw Reasons.cycle(o.desc.name());
        }
        o.rendering = true;
        JsonNode node = objectNode(o, depth);
        o.rendering = false;
        if (node.isValueNode()) {
            o.rendered = node;
        }
        return node;
    }

    private JsonNode objectNode(JavaObject o, int depth) throws UndecodableException {
        ClassData[] data = o.data;
        for (int i = data.length - 1; i >= 0; i--) {
            KnownClass k = known.get(data[i].desc().name());
            if (k != null) {
                // a subclass that only extends a known class (class Lines extends ArrayList<Line> {}) reads as it;
                // one that adds state would lose it, so it is refused
                for (int j = i + 1; j < data.length; j++) {
                    if (data[j].hasFields() || data[j].hasCustomData()) {
                        throw Reasons.subclass(data[j].desc().name(), data[i].desc().name());
                    }
                }
                return k.render(o, this, depth);
            }
        }
        if (o.desc.isProxy()) {
            throw Reasons.proxy(o.desc);
        }
        if (o.desc.externalizable()) {
            throw Reasons.externalizable(o.desc.name());
        }
        ObjectNode node = NODES.objectNode();
        for (ClassData d : data) {
            if (d.hasCustomData()) {
                throw Reasons.customData(d.desc().name());
            }
            FieldDesc[] fields = d.desc().fields();
            Object[] values = d.values();
            for (int i = 0; i < fields.length; i++) {
                JsonNode value;
                if (fields[i].primitive()) {
                    count();
                    value = primitive(values[i]);
                } else {
                    value = render(values[i], depth + 1);
                }
                if (node.putIfAbsent(fields[i].name(), value) != null) {
                    throw Reasons.duplicateField(fields[i].name(), o.desc.name());
                }
            }
        }
        return node;
    }

    private JsonNode array(JavaArray a, int depth) throws UndecodableException {
        if (a.rendered != null) {
            return a.rendered;
        }
        Object values = a.values;
        if (values instanceof byte[] bytes) { // binary data is base64 text in the neutral tree
            a.rendered = TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
            return a.rendered;
        }
        if (values instanceof char[] chars) { // a char[] holds text (a password, a code): compared as a string
            a.rendered = TextNode.valueOf(new String(chars));
            return a.rendered;
        }
        if (values instanceof Object[] elements) {
            if (a.rendering) {
                throw Reasons.cycle(a.desc.name());
            }
            a.rendering = true;
            ArrayNode node = NODES.arrayNode(elements.length);
            for (Object element : elements) {
                node.add(render(element, depth + 1));
            }
            a.rendering = false;
            return node;
        }
        return primitiveArray(values);
    }

    private ArrayNode primitiveArray(Object values) throws UndecodableException {
        ArrayNode node;
        if (values instanceof int[] v) {
            node = NODES.arrayNode(v.length);
            for (int x : v) {
                count();
                node.add(IntNode.valueOf(x));
            }
        } else if (values instanceof long[] v) {
            node = NODES.arrayNode(v.length);
            for (long x : v) {
                count();
                node.add(LongNode.valueOf(x));
            }
        } else if (values instanceof short[] v) {
            node = NODES.arrayNode(v.length);
            for (short x : v) {
                count();
                node.add(IntNode.valueOf(x));
            }
        } else if (values instanceof boolean[] v) {
            node = NODES.arrayNode(v.length);
            for (boolean x : v) {
                count();
                node.add(BooleanNode.valueOf(x));
            }
        } else if (values instanceof float[] v) {
            node = NODES.arrayNode(v.length);
            for (float x : v) {
                count();
                node.add(floating(x, Float.toString(x)));
            }
        } else if (values instanceof double[] v) {
            node = NODES.arrayNode(v.length);
            for (double x : v) {
                count();
                node.add(floating(x, Double.toString(x)));
            }
        } else {
            throw Reasons.malformed("unexpected array"); // not reached: the parser makes only the arrays above
        }
        return node;
    }

    /** Collects a map's entries, then renders it as an object or as [key, value] pairs (see {@link MapBuilder}). */
    MapBuilder map(int depth) {
        return new MapBuilder(this, depth);
    }
}
