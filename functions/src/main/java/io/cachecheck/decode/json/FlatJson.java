package io.cachecheck.decode.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** The fast path of JSON decoding: a JSON object whose values are all scalars, streamed straight into a field map. */
public final class FlatJson {
    private FlatJson() {
    }

    /** The top-level fields of a JSON object tree. */
    public static Map<String, Object> treeFields(JsonNode node) {
        Map<String, Object> fields = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            fields.put(e.getKey(), e.getValue());
        }
        return fields;
    }

    /**
     * Streams a JSON object whose values are all scalars straight into a field map, with the same nodes that
     * {@code readTree} would build (floats as {@link DecimalNode} with trailing zeros stripped and zero as
     * {@link BigDecimal#ZERO}, integers as int, long or big-integer nodes). Building the tree and copying it was the
     * largest CPU cost per key (docs/performance.md). Returns null for anything else (not an object, a nested
     * container, a duplicate field, trailing tokens, a syntax error): the caller then takes the tree path, which
     * classifies it exactly as before. The caller checks the encoding first ({@link StrictJson#notUtf8Start}).
     */
    public static Map<String, Object> object(byte[] bytes) {
        if (StrictJson.notUtf8Start(bytes)) {
            return null;
        }
        try (JsonParser p = StrictJson.FLAT.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, Object> fields = new HashMap<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonNode node;
                switch (p.nextToken()) {
                    case VALUE_STRING -> node = TextNode.valueOf(p.getText());
                    case VALUE_NUMBER_INT -> node = switch (p.getNumberType()) {
                        case INT -> IntNode.valueOf(p.getIntValue());
                        case LONG -> LongNode.valueOf(p.getLongValue());
                        default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                    };
                    case VALUE_NUMBER_FLOAT -> {
                        BigDecimal d = p.getDecimalValue();
                        node = DecimalNode.valueOf(d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
                    }
                    case VALUE_TRUE -> node = BooleanNode.TRUE;
                    case VALUE_FALSE -> node = BooleanNode.FALSE;
                    case VALUE_NULL -> node = NullNode.getInstance();
                    default -> {
                        return null;
                    }
                }
                if (fields.put(name, node) != null) {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return fields;
        } catch (IOException e) {
            return null;
        }
    }
}
