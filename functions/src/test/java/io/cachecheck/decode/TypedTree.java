package io.cachecheck.decode;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * A tree as compact JSON whose numbers carry their node type, so that a test's expected text pins the exact tree:
 * {@code 7} an int node, {@code 7L} a long node, {@code 7N} a big-integer node, {@code 12.50m} a decimal node with
 * that scale ({@link java.math.BigDecimal#toString()}). Any other number node shows as {@code ?double}.
 */
public final class TypedTree {
    private TypedTree() {
    }

    public static String of(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb);
        return sb.toString();
    }

    /** The typed tree, or {@code !reason} when the reader refuses the bytes. */
    public static String outcome(TreeReader reader, byte[] bytes, ReadLimits limits) {
        try {
            return of(reader.read(bytes, limits));
        } catch (UndecodableException e) {
            return "!" + e.reason();
        }
    }

    private static void write(JsonNode n, StringBuilder sb) {
        if (n.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(new com.fasterxml.jackson.databind.node.TextNode(e.getKey())).append(':');
                write(e.getValue(), sb);
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(n.get(i), sb);
            }
            sb.append(']');
        } else if (n.isInt()) {
            sb.append(n.intValue());
        } else if (n.isLong()) {
            sb.append(n.longValue()).append('L');
        } else if (n.isBigInteger()) {
            sb.append(n.bigIntegerValue()).append('N');
        } else if (n.isBigDecimal()) {
            sb.append(n.decimalValue()).append('m');
        } else if (n.isNumber()) {
            sb.append("?").append(n.numberType());
        } else {
            sb.append(n); // text (JSON-escaped), booleans, null
        }
    }
}
