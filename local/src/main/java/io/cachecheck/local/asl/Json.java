package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** JSONPath over Jackson trees, and the ResultPath merge. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Configuration PATHS = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
            .mappingProvider(new JacksonMappingProvider(MAPPER))
            .build();
    private static final Map<String, JsonPath> COMPILED = new ConcurrentHashMap<>();

    private Json() {}

    /** Compiles a path ({@code $...}); throws IllegalArgumentException with the reason when it is malformed. */
    /** Size of a value serialised as UTF-8 JSON, as Step Functions measures payloads. */
    static int utf8Size(JsonNode value) {
        try {
            return value == null ? 4 : MAPPER.writeValueAsBytes(value).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON node did not serialise", e);
        }
    }

    static JsonPath compile(String path) {
        if (path == null || !path.startsWith("$")) {
            throw new IllegalArgumentException("a path must start with '$'");
        }
        try {
            return COMPILED.computeIfAbsent(path, JsonPath::compile);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Selects {@code path} from {@code document}; {@code $$...} paths select from {@code context}.
     *
     * @throws DataFlowException when the path selects nothing, as AWS raises States.Runtime
     */
    static JsonNode select(JsonNode document, JsonNode context, String path) {
        boolean onContext = path.startsWith("$$");
        JsonNode root = onContext ? context : document;
        String effective = onContext ? path.substring(1) : path;
        try {
            Object value = compile(effective).read(root, PATHS);
            return toNode(value);
        } catch (JsonPathException | IllegalArgumentException e) {
            throw new DataFlowException("Invalid path '" + path + "': " + e.getMessage());
        }
    }

    /** Whether {@code path} selects something (used by IsPresent). */
    static boolean exists(JsonNode document, String path) {
        try {
            select(document, NullNode.getInstance(), path);
            return true;
        } catch (DataFlowException e) {
            return false;
        }
    }

    static JsonNode toNode(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        return MAPPER.valueToTree(value);
    }

    /** A reference path step: a field name or an array index. */
    record Step(String field, int index) {
        boolean isField() {
            return field != null;
        }
    }

    /**
     * Parses a reference path ({@code $}, {@code .name}, {@code ['name']}, {@code [0]} steps only), as required
     * for ResultPath.
     */
    static List<Step> parseReferencePath(String path) {
        if (path == null || !path.startsWith("$") || path.startsWith("$$")) {
            throw new IllegalArgumentException("a reference path must start with '$'");
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String name = path.substring(i + 1, end);
                if (name.isEmpty() || name.contains("*") || name.contains("@")) {
                    throw new IllegalArgumentException("'" + name + "' is not a single field name");
                }
                steps.add(new Step(name, -1));
                i = end;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '['");
                }
                String inner = path.substring(i + 1, close).trim();
                if (inner.length() >= 2 && (inner.startsWith("'") && inner.endsWith("'")
                        || inner.startsWith("\"") && inner.endsWith("\""))) {
                    steps.add(new Step(inner.substring(1, inner.length() - 1), -1));
                } else if (inner.matches("\\d+")) {
                    steps.add(new Step(null, Integer.parseInt(inner)));
                } else {
                    throw new IllegalArgumentException("'[" + inner + "]' selects more than one node");
                }
                i = close + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at position " + i);
            }
        }
        return steps;
    }

    /**
     * Places {@code result} into a copy of {@code input} at {@code resultPath}, creating missing object fields.
     *
     * @throws DataFlowException when the path crosses a value that is not an object (or a missing array element)
     */
    static JsonNode applyResultPath(JsonNode input, String resultPath, JsonNode result) {
        List<Step> steps = parseReferencePath(resultPath);
        if (steps.isEmpty()) {
            return result;
        }
        JsonNode root = input.deepCopy();
        JsonNode current = root;
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            boolean last = s == steps.size() - 1;
            if (step.isField()) {
                if (!(current instanceof ObjectNode object)) {
                    throw cannotApply(resultPath, step, current);
                }
                if (last) {
                    object.set(step.field(), result);
                } else {
                    JsonNode child = object.get(step.field());
                    if (child == null) {
                        child = object.putObject(step.field());
                    }
                    current = child;
                }
            } else {
                if (!(current instanceof ArrayNode array) || step.index() >= array.size()) {
                    throw cannotApply(resultPath, step, current);
                }
                if (last) {
                    array.set(step.index(), result);
                } else {
                    current = array.get(step.index());
                }
            }
        }
        return root;
    }

    private static DataFlowException cannotApply(String resultPath, Step step, JsonNode at) {
        String where = step.isField() ? "field '" + step.field() + "'" : "index [" + step.index() + "]";
        return new DataFlowException("Unable to apply ResultPath '" + resultPath + "': cannot set " + where
                + " on a value of type " + at.getNodeType() + ". Point ResultPath at an object field.");
    }

    static String typeName(JsonNode node) {
        return node == null ? "MISSING" : node.getNodeType().name();
    }
}
