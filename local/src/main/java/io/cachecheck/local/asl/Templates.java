package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** Payload templates: Parameters, ResultSelector, ItemSelector. Fields ending in {@code .$} are evaluated. */
final class Templates {

    private Templates() {}

    /** Checks every {@code .$} value at load time; IllegalArgumentException names the offending field. */
    static void validate(JsonNode template) {
        if (template.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().endsWith(".$")) {
                    validateDynamic(field.getKey(), field.getValue());
                } else {
                    validate(field.getValue());
                }
            }
        } else if (template.isArray()) {
            template.forEach(Templates::validate);
        }
    }

    private static void validateDynamic(String key, JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + key + "' must be a string path or intrinsic function");
        }
        String expression = value.textValue();
        try {
            if (expression.startsWith("$")) {
                Json.compile(expression.startsWith("$$") ? expression.substring(1) : expression);
            } else if (Intrinsics.looksLikeCall(expression)) {
                Intrinsics.parse(expression);
            } else {
                throw new IllegalArgumentException("the value must start with '$', '$$' or 'States.'");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + key + "' = '" + expression + "': " + e.getMessage(), e);
        }
    }

    static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
        if (template instanceof ObjectNode object) {
            ObjectNode out = Json.NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.endsWith(".$")) {
                    out.set(key.substring(0, key.length() - 2), dynamic(key, field.getValue().textValue(), input,
                            context));
                } else {
                    out.set(key, evaluate(field.getValue(), input, context));
                }
            }
            return out;
        }
        if (template instanceof ArrayNode array) {
            ArrayNode out = Json.NODES.arrayNode();
            array.forEach(item -> out.add(evaluate(item, input, context)));
            return out;
        }
        return template;
    }

    private static JsonNode dynamic(String key, String expression, JsonNode input, JsonNode context) {
        if (Intrinsics.looksLikeCall(expression)) {
            return Intrinsics.evaluate(expression, input, context);
        }
        try {
            return Json.select(input, context, expression);
        } catch (DataFlowException e) {
            throw new DataFlowException("The JSONPath '" + expression + "' specified for the field '" + key
                    + "' could not be found in the " + (expression.startsWith("$$") ? "context object" : "input")
                    + ". " + e.getMessage());
        }
    }
}
