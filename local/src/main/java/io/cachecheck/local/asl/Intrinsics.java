package io.cachecheck.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Parser and evaluator for the JSONPath-mode intrinsic functions ({@code States.Format(...)} and friends). */
final class Intrinsics {

    /** Argument count bounds per supported function. */
    private static final Map<String, int[]> ARITY = Map.ofEntries(
            Map.entry("States.Format", new int[] {1, Integer.MAX_VALUE}),
            Map.entry("States.StringToJson", new int[] {1, 1}),
            Map.entry("States.JsonToString", new int[] {1, 1}),
            Map.entry("States.Array", new int[] {0, Integer.MAX_VALUE}),
            Map.entry("States.ArrayLength", new int[] {1, 1}),
            Map.entry("States.ArrayContains", new int[] {2, 2}),
            Map.entry("States.ArrayGetItem", new int[] {2, 2}),
            Map.entry("States.ArrayUnique", new int[] {1, 1}),
            Map.entry("States.ArrayRange", new int[] {3, 3}),
            Map.entry("States.ArrayPartition", new int[] {2, 2}),
            Map.entry("States.StringSplit", new int[] {2, 2}),
            Map.entry("States.MathAdd", new int[] {2, 2}),
            Map.entry("States.MathRandom", new int[] {2, 3}),
            Map.entry("States.UUID", new int[] {0, 0}),
            Map.entry("States.JsonMerge", new int[] {3, 3}),
            Map.entry("States.Base64Encode", new int[] {1, 1}),
            Map.entry("States.Base64Decode", new int[] {1, 1}),
            Map.entry("States.Hash", new int[] {2, 2}));

    private static final Map<String, Call> PARSED = new ConcurrentHashMap<>();

    private Intrinsics() {}

    sealed interface Expr permits Literal, PathRef, Call {}

    /** {@code raw} keeps the escapes of a string literal so that States.Format can tell {@code \{} from {@code {}}. */
    record Literal(JsonNode value, String raw) implements Expr {}

    record PathRef(String path) implements Expr {}

    record Call(String name, List<Expr> args) implements Expr {}

    static boolean looksLikeCall(String text) {
        return text.startsWith("States.");
    }

    /** Parses and checks function names and argument counts; IllegalArgumentException says what is wrong. */
    static Call parse(String text) {
        Call cached = PARSED.get(text);
        if (cached != null) {
            return cached;
        }
        Parser parser = new Parser(text);
        Call call = parser.call();
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw new IllegalArgumentException("unexpected text after position " + parser.pos + " in '" + text + "'");
        }
        PARSED.put(text, call);
        return call;
    }

    static JsonNode evaluate(String text, JsonNode input, JsonNode context) {
        return eval(parse(text), input, context);
    }

    private static JsonNode eval(Expr expr, JsonNode input, JsonNode context) {
        if (expr instanceof Literal literal) {
            return literal.value();
        }
        if (expr instanceof PathRef ref) {
            return Json.select(input, context, ref.path());
        }
        Call call = (Call) expr;
        List<JsonNode> args = new ArrayList<>();
        for (Expr arg : call.args()) {
            args.add(eval(arg, input, context));
        }
        return apply(call, args);
    }

    private static JsonNode apply(Call call, List<JsonNode> a) {
        String name = call.name();
        switch (name) {
            case "States.Format":
                return TextNode.valueOf(format(call, a));
            case "States.StringToJson":
                try {
                    return Json.MAPPER.readTree(text(name, a.get(0)));
                } catch (JsonProcessingException e) {
                    throw fail(name, "the argument is not valid JSON");
                }
            case "States.JsonToString":
                return TextNode.valueOf(a.get(0).toString());
            case "States.Array": {
                ArrayNode array = Json.NODES.arrayNode();
                a.forEach(array::add);
                return array;
            }
            case "States.ArrayLength":
                return Json.NODES.numberNode(array(name, a.get(0)).size());
            case "States.ArrayContains": {
                for (JsonNode item : array(name, a.get(0))) {
                    if (item.equals(a.get(1))) {
                        return Json.NODES.booleanNode(true);
                    }
                }
                return Json.NODES.booleanNode(false);
            }
            case "States.ArrayGetItem": {
                ArrayNode array = array(name, a.get(0));
                int index = integer(name, a.get(1));
                if (index < 0 || index >= array.size()) {
                    throw fail(name, "index " + index + " is out of bounds for an array of " + array.size());
                }
                return array.get(index);
            }
            case "States.ArrayUnique": {
                Set<JsonNode> seen = new LinkedHashSet<>();
                array(name, a.get(0)).forEach(seen::add);
                ArrayNode out = Json.NODES.arrayNode();
                seen.forEach(out::add);
                return out;
            }
            case "States.ArrayRange": {
                int from = integer(name, a.get(0));
                int to = integer(name, a.get(1));
                int step = integer(name, a.get(2));
                if (step == 0) {
                    throw fail(name, "the step must not be 0");
                }
                ArrayNode out = Json.NODES.arrayNode();
                for (int v = from; step > 0 ? v <= to : v >= to; v += step) {
                    if (out.size() >= 1000) {
                        throw fail(name, "the range has more than 1000 elements");
                    }
                    out.add(v);
                }
                return out;
            }
            case "States.ArrayPartition": {
                ArrayNode array = array(name, a.get(0));
                int size = integer(name, a.get(1));
                if (size <= 0) {
                    throw fail(name, "the chunk size must be positive");
                }
                ArrayNode out = Json.NODES.arrayNode();
                ArrayNode chunk = null;
                for (int i = 0; i < array.size(); i++) {
                    if (i % size == 0) {
                        chunk = out.addArray();
                    }
                    chunk.add(array.get(i));
                }
                return out;
            }
            case "States.StringSplit": {
                String s = text(name, a.get(0));
                String delimiters = text(name, a.get(1));
                ArrayNode out = Json.NODES.arrayNode();
                StringBuilder token = new StringBuilder();
                for (char c : s.toCharArray()) {
                    if (delimiters.indexOf(c) >= 0) {
                        if (token.length() > 0) {
                            out.add(token.toString());
                        }
                        token.setLength(0);
                    } else {
                        token.append(c);
                    }
                }
                if (token.length() > 0) {
                    out.add(token.toString());
                }
                return out;
            }
            case "States.MathAdd":
                return Json.NODES.numberNode((long) integer(name, a.get(0)) + integer(name, a.get(1)));
            case "States.MathRandom": {
                int from = integer(name, a.get(0));
                int to = integer(name, a.get(1));
                if (to <= from) {
                    throw fail(name, "the end must be greater than the start");
                }
                return Json.NODES.numberNode(ThreadLocalRandom.current().nextInt(from, to));
            }
            case "States.UUID":
                return TextNode.valueOf(UUID.randomUUID().toString());
            case "States.JsonMerge": {
                if (!a.get(0).isObject() || !a.get(1).isObject()) {
                    throw fail(name, "both JSON arguments must be objects");
                }
                if (!a.get(2).isBoolean() || a.get(2).booleanValue()) {
                    throw fail(name, "only shallow merge is supported: the third argument must be false");
                }
                ObjectNode merged = ((ObjectNode) a.get(0)).deepCopy();
                merged.setAll((ObjectNode) a.get(1).deepCopy());
                return merged;
            }
            case "States.Base64Encode":
                return TextNode.valueOf(Base64.getEncoder()
                        .encodeToString(text(name, a.get(0)).getBytes(StandardCharsets.UTF_8)));
            case "States.Base64Decode":
                try {
                    return TextNode.valueOf(
                            new String(Base64.getDecoder().decode(text(name, a.get(0))), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw fail(name, "the argument is not Base64");
                }
            case "States.Hash":
                return TextNode.valueOf(hash(name, a.get(0), text(name, a.get(1))));
            default:
                throw new IllegalStateException("unhandled intrinsic " + name);
        }
    }

    private static String format(Call call, List<JsonNode> a) {
        if (!(call.args().get(0) instanceof Literal template) || !template.value().isTextual()) {
            throw fail(call.name(), "the first argument must be a string literal");
        }
        String raw = template.raw();
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                out.append(raw.charAt(++i));
            } else if (c == '{' && i + 1 < raw.length() && raw.charAt(i + 1) == '}') {
                if (next >= a.size()) {
                    throw fail(call.name(), "the template has more {} placeholders than arguments");
                }
                JsonNode value = a.get(next++);
                if (value.isContainerNode()) {
                    throw fail(call.name(), "argument " + next + " is an object or array; only strings, numbers, "
                            + "booleans and null can be formatted (use States.JsonToString)");
                }
                out.append(value.isTextual() ? value.textValue() : value.toString());
                i++;
            } else {
                out.append(c);
            }
        }
        if (next != a.size()) {
            throw fail(call.name(), "the template has fewer {} placeholders than arguments");
        }
        return out.toString();
    }

    private static String hash(String name, JsonNode data, String algorithm) {
        String javaName = switch (algorithm) {
            case "MD5" -> "MD5";
            case "SHA-1" -> "SHA-1";
            case "SHA-256" -> "SHA-256";
            case "SHA-384" -> "SHA-384";
            case "SHA-512" -> "SHA-512";
            default -> throw fail(name, "unsupported algorithm '" + algorithm + "'");
        };
        String input = data.isTextual() ? data.textValue() : data.toString();
        try {
            byte[] digest = MessageDigest.getInstance(javaName).digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw fail(name, "algorithm '" + algorithm + "' is not available in this JVM");
        }
    }

    private static String text(String name, JsonNode node) {
        if (!node.isTextual()) {
            throw fail(name, "expected a string argument but got " + Json.typeName(node));
        }
        return node.textValue();
    }

    private static ArrayNode array(String name, JsonNode node) {
        if (!(node instanceof ArrayNode array)) {
            throw fail(name, "expected an array argument but got " + Json.typeName(node));
        }
        return array;
    }

    private static int integer(String name, JsonNode node) {
        if (!node.isNumber()) {
            throw fail(name, "expected an integer argument but got " + Json.typeName(node));
        }
        BigDecimal value = node.decimalValue();
        try {
            return value.intValueExact();
        } catch (ArithmeticException e) {
            throw fail(name, "expected an integer argument but got " + value.toPlainString());
        }
    }

    private static DataFlowException fail(String function, String reason) {
        return new DataFlowException("The intrinsic function " + function + " failed: " + reason);
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Call call() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (!ARITY.containsKey(name)) {
                throw new IllegalArgumentException("unknown intrinsic function '" + name + "'; supported: "
                        + new java.util.TreeSet<>(ARITY.keySet()));
            }
            expect('(');
            List<Expr> args = new ArrayList<>();
            skipSpace();
            if (peek() == ')') {
                pos++;
            } else {
                while (true) {
                    args.add(argument());
                    skipSpace();
                    char c = peek();
                    pos++;
                    if (c == ')') {
                        break;
                    }
                    if (c != ',') {
                        throw new IllegalArgumentException("expected ',' or ')' in '" + text + "'");
                    }
                }
            }
            int[] bounds = ARITY.get(name);
            if (args.size() < bounds[0] || args.size() > bounds[1]) {
                throw new IllegalArgumentException(name + " takes " + (bounds[0] == bounds[1] ? bounds[0]
                        : bounds[0] + " or more") + " arguments but was given " + args.size());
            }
            return new Call(name, List.copyOf(args));
        }

        private Expr argument() {
            skipSpace();
            char c = peek();
            if (c == '\'') {
                return string();
            }
            if (text.startsWith("States.", pos)) {
                return call();
            }
            String token = token();
            if (token.startsWith("$")) {
                Json.compile(token.startsWith("$$") ? token.substring(1) : token);
                return new PathRef(token);
            }
            try {
                JsonNode value = Json.MAPPER.readTree(token);
                if (value == null || value.isContainerNode() || value.isTextual() || value.isMissingNode()) {
                    throw new IllegalArgumentException("invalid argument '" + token + "' in '" + text + "'");
                }
                return new Literal(value, token);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("invalid argument '" + token + "' in '" + text + "'");
            }
        }

        private Literal string() {
            int start = ++pos;
            StringBuilder value = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != '\'') {
                char c = text.charAt(pos);
                if (c == '\\' && pos + 1 < text.length()) {
                    pos++;
                    c = text.charAt(pos);
                }
                value.append(c);
                pos++;
            }
            if (pos >= text.length()) {
                throw new IllegalArgumentException("unterminated string literal in '" + text + "'");
            }
            String raw = text.substring(start, pos);
            pos++;
            return new Literal(TextNode.valueOf(value.toString()), raw);
        }

        /** A path or scalar: up to the next ',' or ')' outside brackets and quotes. */
        private String token() {
            int start = pos;
            int depth = 0;
            char quote = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '[' || c == '(') {
                    depth++;
                } else if (c == ']' || (c == ')' && depth > 0)) {
                    depth--;
                } else if (depth == 0 && (c == ',' || c == ')')) {
                    break;
                }
                pos++;
            }
            String token = text.substring(start, pos).trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("empty argument in '" + text + "'");
            }
            return token;
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at position " + pos + " in '" + text + "'");
            }
            pos++;
        }

        private char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("unexpected end of '" + text + "'");
            }
            return text.charAt(pos);
        }

        void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
