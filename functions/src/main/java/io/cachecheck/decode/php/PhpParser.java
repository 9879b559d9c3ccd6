package io.cachecheck.decode.php;

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
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.ShortestDecimal;
import io.cachecheck.decode.UndecodableException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass of recursive descent over one value (see {@link PhpSerializeReader} for what is read). Every length and
 * count is checked against the bytes left before anything is allocated, so work and memory stay proportional to the
 * input plus the nodes produced, which {@link ReadLimits} bounds.
 */
final class PhpParser {
    /** The shortest encoding of one array element, {@code i:0;N;}: counts larger than the bytes left allow are lies. */
    private static final int MIN_ELEMENT_BYTES = 6;
    private static final int MAX_FLOAT_TEXT = 400;
    private static final int MAX_SHOWN_NAME = 200;

    private final byte[] in;
    private final ReadLimits limits;
    private int pos;
    private long nodes;
    /** PHP's table of values for r:/R: back-references, numbered from 1 in the order values start. */
    private final List<Slot> slots = new ArrayList<>();
    /** Height (nesting of arrays and objects) of the value {@link #value} returned last. */
    private int lastHeight;

    private static final class Slot {
        JsonNode node; // null while the value is still being read: a reference to it is a cycle
        long size;
        int height;
        boolean object;
    }

    PhpParser(byte[] in, ReadLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    JsonNode parse() throws UndecodableException {
        int first = in[0];
        if ("NbidsSaOCErR".indexOf(first) < 0) {
            throw fail("not PHP serialize() data");
        }
        JsonNode root = value(0);
        if (pos != in.length) {
            throw fail("extra bytes after the value");
        }
        return root;
    }

    /** One value; {@code depth} is the number of arrays and objects around it. */
    private JsonNode value(int depth) throws UndecodableException {
        if (pos >= in.length) {
            throw truncated();
        }
        byte tag = in[pos];
        if (tag == 'R') {
            return reference(depth, false); // a PHP reference (&) takes no slot of its own
        }
        Slot slot = new Slot();
        slots.add(slot);
        long nodesBefore = nodes;
        JsonNode node;
        lastHeight = 0;
        switch (tag) {
            case 'N' -> {
                expect('N');
                expect(';');
                node = count(NullNode.getInstance());
            }
            case 'b' -> node = count(bool());
            case 'i' -> {
                header('i');
                long v = signedLong(';');
                node = count(v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v));
            }
            case 'd' -> node = count(DecimalNode.valueOf(ShortestDecimal.of(floatValue())));
            case 's' -> node = count(TextNode.valueOf(string()));
            case 'S' -> throw fail("escaped string (S: format) is not written by serialize()");
            case 'a' -> node = array(depth);
            case 'O' -> {
                slot.object = true;
                node = object(depth);
            }
            case 'C' -> {
                header('C');
                String name = className();
                throw fail("class " + name + " is custom-serialised (C: format, Serializable) and cannot be read without"
                        + " its code; cache an array or a plain object instead");
            }
            case 'E' -> node = count(TextNode.valueOf(enumCase()));
            case 'r' -> {
                node = reference(depth, true);
                slot.object = true;
            }
            default -> throw fail("malformed value (unknown type)");
        }
        slot.node = node;
        slot.size = nodes - nodesBefore;
        slot.height = lastHeight;
        return node;
    }

    private JsonNode bool() throws UndecodableException {
        header('b');
        if (pos + 2 > in.length) {
            throw truncated();
        }
        byte v = in[pos];
        if ((v != '0' && v != '1') || in[pos + 1] != ';') {
            throw fail("malformed boolean");
        }
        pos += 2;
        return BooleanNode.valueOf(v == '1');
    }

    private double floatValue() throws UndecodableException {
        header('d');
        int start = pos;
        int end = start;
        while (end < in.length && in[end] != ';' && end - start <= MAX_FLOAT_TEXT) {
            end++;
        }
        if (end >= in.length) {
            throw truncated();
        }
        if (in[end] != ';') {
            throw fail("malformed float");
        }
        String text = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
        pos = end + 1;
        if (text.equals("INF") || text.equals("-INF") || text.equals("NAN")) {
            throw fail("float INF or NAN has no decimal value");
        }
        if (!io.cachecheck.decode.DecimalText.matches(text, Integer.MAX_VALUE)) {
            throw fail("malformed float");
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            throw fail("float INF or NAN has no decimal value"); // PHP reads 1e999 as INF too
        }
        return d;
    }

    /** {@code s:len:"bytes";} once the tag is next. */
    private String string() throws UndecodableException {
        header('s');
        int len = length(':');
        expect('"');
        if (len > in.length - pos - 2) {
            throw truncated();
        }
        int start = pos;
        pos += len;
        expect('"');
        expect(';');
        return utf8(start, len);
    }

    private JsonNode array(int depth) throws UndecodableException {
        header('a');
        int n = length(':');
        expect('{');
        if ((long) n * MIN_ELEMENT_BYTES > in.length - pos) {
            throw fail("array count larger than the value");
        }
        enter(depth);
        count(null);
        List<Object> keys = new ArrayList<>(Math.min(n, 1024));
        List<JsonNode> values = new ArrayList<>(Math.min(n, 1024));
        int height = 0;
        boolean list = true;
        for (int i = 0; i < n; i++) {
            Object key = key();
            if (list && !(key instanceof Long l && l == i)) {
                list = false;
            }
            keys.add(key);
            values.add(value(depth + 1));
            height = Math.max(height, lastHeight);
        }
        expect('}');
        lastHeight = height + 1;
        if (list) {
            return new ArrayNode(JsonNodeFactory.instance, values);
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            if (fields.put(keys.get(i).toString(), values.get(i)) != null) {
                throw fail("duplicate array key");
            }
        }
        return new ObjectNode(JsonNodeFactory.instance, fields);
    }

    private JsonNode object(int depth) throws UndecodableException {
        header('O');
        String className = className();
        expect(':');
        int n = length(':');
        expect('{');
        if ((long) n * MIN_ELEMENT_BYTES > in.length - pos) {
            throw fail("property count larger than the value");
        }
        enter(depth);
        count(null);
        Map<String, JsonNode> fields = new LinkedHashMap<>(Math.max(16, Math.min(n, 1024) * 2));
        int height = 0;
        for (int i = 0; i < n; i++) {
            String name = propertyName(key());
            JsonNode v = value(depth + 1);
            height = Math.max(height, lastHeight);
            if (fields.put(name, v) != null) {
                throw fail("two properties of class " + className + " have the same name once their visibility"
                        + " prefixes are removed");
            }
        }
        expect('}');
        JsonNode dateTime = PhpDateTime.interpret(className, fields);
        if (dateTime != null) {
            lastHeight = 0;
            return dateTime;
        }
        lastHeight = height + 1;
        return new ObjectNode(JsonNodeFactory.instance, fields);
    }

    /**
     * A property name without its visibility prefix: {@code \0*\0name} (protected) and {@code \0Class\0name}
     * (private) are both {@code name}.
     */
    private String propertyName(Object key) throws UndecodableException {
        String name = key.toString();
        if (name.isEmpty() || name.charAt(0) != '\0') {
            return name;
        }
        int end = name.indexOf('\0', 1);
        if (end < 2) {
            throw fail("malformed property name");
        }
        return name.substring(end + 1);
    }

    /** An array key or property name: an integer (as Long) or a string, which PHP turns into an integer when canonical. */
    private Object key() throws UndecodableException {
        if (pos >= in.length) {
            throw truncated();
        }
        if (in[pos] == 'i') {
            header('i');
            return signedLong(';');
        }
        if (in[pos] == 's') {
            String s = string();
            Long asInt = canonicalInteger(s);
            return asInt != null ? asInt : s;
        }
        throw fail("array key is not an integer or a string");
    }

    /** PHP's ZEND_HANDLE_NUMERIC_STR: "12" and "-3" are integer keys, "012", "-0" and "1.5" are not. */
    private static Long canonicalInteger(String s) {
        int n = s.length();
        int i = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n == i || n - i > 19 || (s.charAt(i) == '0' && n - i > 1) || (i == 1 && s.charAt(1) == '0')) {
            return null;
        }
        for (int j = i; j < n; j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null; // beyond 64 bits PHP keeps the string
        }
    }

    private String enumCase() throws UndecodableException {
        header('E');
        int len = length(':');
        expect('"');
        if (len > in.length - pos - 2) {
            throw truncated();
        }
        String text = utf8(pos, len);
        pos += len;
        expect('"');
        expect(';');
        int colon = text.indexOf(':');
        if (colon < 1 || !PhpDateTime.validClassName(text.substring(0, colon))
                || !validLabel(text.substring(colon + 1))) {
            throw fail("malformed enum case");
        }
        return text.substring(colon + 1);
    }

    private static boolean validLabel(String s) {
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '_' || c >= 0x80 || Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }

    /** {@code r:n;} (object handle) or {@code R:n;} (PHP reference): a copy of value n, bounded, never a cycle. */
    private JsonNode reference(int depth, boolean objectHandle) throws UndecodableException {
        header(in[pos]);
        int id = length(';');
        // r: takes a slot itself (already added), so it may not point at that one
        int available = objectHandle ? slots.size() - 1 : slots.size();
        if (id < 1 || id > available) {
            throw fail("reference to an unknown value");
        }
        Slot target = slots.get(id - 1);
        if (target.node == null) {
            throw fail("reference cycle (a value that contains itself)");
        }
        if (objectHandle && !target.object) {
            throw fail("object reference to a value that is not an object");
        }
        if (depth + target.height > limits.maxDepth()) {
            throw fail("nesting deeper than " + limits.maxDepth());
        }
        nodes += target.size;
        if (nodes > limits.maxNodes()) {
            throw fail("more than " + limits.maxNodes() + " nodes (references count as copies)");
        }
        lastHeight = target.height;
        return target.node.deepCopy();
    }

    /** A class name in quotes, once {@code len:} is next: {@code 8:"stdClass"}. */
    private String className() throws UndecodableException {
        int len = length(':');
        expect('"');
        if (len > in.length - pos - 1) {
            throw truncated();
        }
        String name = new String(in, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        expect('"');
        if (!PhpDateTime.validClassName(name) || name.length() > MAX_SHOWN_NAME) {
            throw fail("malformed class name");
        }
        return utf8(pos - len - 1, len);
    }

    private void enter(int depth) throws UndecodableException {
        if (depth + 1 > limits.maxDepth()) {
            throw fail("nesting deeper than " + limits.maxDepth());
        }
    }

    /** Counts a node against the limit; returns it for chaining (null stands for a container counted up front). */
    private JsonNode count(JsonNode node) throws UndecodableException {
        if (++nodes > limits.maxNodes()) {
            throw fail("more than " + limits.maxNodes() + " nodes");
        }
        return node;
    }

    /** The tag byte and its colon. */
    private void header(int tag) throws UndecodableException {
        expect(tag);
        expect(':');
    }

    private void expect(int c) throws UndecodableException {
        if (pos >= in.length) {
            throw truncated();
        }
        if (in[pos] != c) {
            throw fail("malformed value (expected '" + (char) c + "')");
        }
        pos++;
    }

    /** An unsigned decimal that fits an int (a length, count or reference number), then {@code end}. */
    private int length(char end) throws UndecodableException {
        int start = pos;
        long v = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            v = v * 10 + (in[pos] - '0');
            if (v > Integer.MAX_VALUE) {
                throw fail("length out of range");
            }
            pos++;
        }
        if (pos == start) {
            throw pos >= in.length ? truncated() : fail("malformed length");
        }
        expect(end);
        return (int) v;
    }

    /** PHP's {@code [+-]?[0-9]+} as a 64-bit integer, then {@code end}. */
    private long signedLong(char end) throws UndecodableException {
        boolean negative = false;
        if (pos < in.length && (in[pos] == '-' || in[pos] == '+')) {
            negative = in[pos] == '-';
            pos++;
        }
        int start = pos;
        long v = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            int digit = in[pos] - '0';
            // accumulate negatively so that -9223372036854775808 fits
            if (v < (Long.MIN_VALUE + digit) / 10) {
                throw fail("integer out of range");
            }
            v = v * 10 - digit;
            pos++;
        }
        if (pos == start) {
            throw pos >= in.length ? truncated() : fail("malformed integer");
        }
        if (!negative && v == Long.MIN_VALUE) {
            throw fail("integer out of range");
        }
        expect(end);
        return negative ? v : -v;
    }

    private String utf8(int start, int len) throws UndecodableException {
        boolean ascii = true;
        for (int i = start; i < start + len; i++) {
            if (in[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(in, start, len, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, start, len)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not UTF-8");
        }
    }

    private UndecodableException truncated() {
        return fail("truncated value");
    }

    private static UndecodableException fail(String what) {
        return new UndecodableException("php: " + what);
    }
}
