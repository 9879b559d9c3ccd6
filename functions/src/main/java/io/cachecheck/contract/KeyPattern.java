package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A key pattern such as {@code t:{tenant_id}:order_summary:{order_id}}, matched against raw key bytes.
 *
 * <p>Matching works on bytes, not regular expressions: the scan routes every key of the keyspace, so this is the
 * hottest code in a check. Each placeholder takes the bytes up to the first occurrence of the literal that follows it
 * (the last one takes the rest, less a literal suffix). Placeholder values must be non-empty, valid UTF-8.
 */
public final class KeyPattern {
    private final String text;
    private final byte[][] literals;      // literals[i] precedes placeholder i; literals[n] is the suffix
    private final List<String> placeholders;

    private KeyPattern(String text, byte[][] literals, List<String> placeholders) {
        this.text = text;
        this.literals = literals;
        this.placeholders = placeholders;
    }

    /**
     * Parses a pattern.
     *
     * @param text the pattern
     * @param path where it came from in the contract, for error messages
     */
    public static KeyPattern parse(String text, String path) {
        if (text == null || text.isEmpty()) {
            throw new ContractException(path + ": key pattern is empty; write e.g. t:{tenant_id}:order:{order_id}");
        }
        List<byte[]> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw new ContractException(path + ": unclosed '{' at position " + i + " in key pattern '" + text + "'; close the"
                            + " placeholder with '}'");
                }
                String name = text.substring(i + 1, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ContractException(path + ": placeholder '{" + name + "}' in key pattern '" + text
                            + "' is not a valid name; use letters, digits and underscores, starting with a letter (e.g. {order_id})");
                }
                if (names.contains(name)) {
                    throw new ContractException(path + ": placeholder {" + name + "} appears twice in key pattern '" + text
                            + "'; give each part of the key its own placeholder name");
                }
                if (!names.isEmpty() && literal.length() == 0) {
                    throw new ContractException(path + ": placeholders {" + names.get(names.size() - 1) + "} and {" + name
                            + "} are adjacent in key pattern '" + text + "'; separate them with a literal such as ':'");
                }
                literals.add(literal.toString().getBytes(StandardCharsets.UTF_8));
                literal.setLength(0);
                names.add(name);
                i = end + 1;
            } else if (c == '}') {
                throw new ContractException(path + ": unmatched '}' at position " + i + " in key pattern '" + text
                        + "'; remove it, or open the placeholder with '{'");
            } else if (c == '*' || c == '?' || c == '[') {
                throw new ContractException(path + ": key pattern '" + text + "' contains glob character '" + c
                        + "'; use named placeholders such as {order_id} instead");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString().getBytes(StandardCharsets.UTF_8));
        if (names.isEmpty()) {
            throw new ContractException(path + ": key pattern '" + text + "' has no placeholder; add the tenant placeholder and"
                    + " the row key, e.g. t:{tenant_id}:order:{order_id}");
        }
        return new KeyPattern(text, literals.toArray(new byte[0][]), Collections.unmodifiableList(names));
    }

    /**
     * How specific the pattern is: the number of literal bytes a key must contain. When several namespaces match a
     * key ({@code p:{id}} also matches {@code p:5:title}), the most specific one claims it.
     */
    public int literalBytes() {
        int n = 0;
        for (byte[] literal : literals) {
            n += literal.length;
        }
        return n;
    }

    public String text() {
        return text;
    }

    public List<String> placeholders() {
        return placeholders;
    }

    /**
     * Matches a key.
     *
     * @return the placeholder values in {@link #placeholders()} order, or null when the key does not match
     */
    public String[] match(byte[] key) {
        byte[] prefix = literals[0];
        if (!startsWith(key, prefix)) {
            return null;
        }
        int n = placeholders.size();
        String[] values = new String[n];
        int pos = prefix.length;
        for (int p = 0; p < n; p++) {
            byte[] next = literals[p + 1];
            int end;
            if (p == n - 1) {
                end = key.length - next.length;
                if (end <= pos || !regionEquals(key, end, next)) {
                    return null;
                }
            } else {
                end = indexOf(key, next, pos + 1);
                if (end < 0) {
                    return null;
                }
            }
            String value = decode(key, pos, end - pos);
            if (value == null) {
                return null;
            }
            values[p] = value;
            pos = end + next.length;
        }
        return values;
    }

    /** Builds the key for the given placeholder values (used by remediation and tests). */
    public String format(Map<String, String> values) {
        StringBuilder out = new StringBuilder(new String(literals[0], StandardCharsets.UTF_8));
        for (int p = 0; p < placeholders.size(); p++) {
            String value = values.get(placeholders.get(p));
            if (value == null) {
                throw new IllegalArgumentException("no value for placeholder {" + placeholders.get(p) + "}");
            }
            out.append(value).append(new String(literals[p + 1], StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && regionEquals(key, 0, prefix);
    }

    private static boolean regionEquals(byte[] key, int offset, byte[] literal) {
        for (int i = 0; i < literal.length; i++) {
            if (key[offset + i] != literal[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] key, byte[] literal, int from) {
        byte first = literal[0];
        int last = key.length - literal.length;
        for (int i = from; i <= last; i++) {
            if (key[i] == first && regionEquals(key, i, literal)) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(byte[] key, int offset, int length) {
        boolean ascii = true;
        for (int i = offset; i < offset + length; i++) {
            if (key[i] >= 0 && key[i] < 0x20) {
                return null; // control bytes never form a placeholder value that could be bound as SQL text
            }
            if (key[i] < 0) {
                ascii = false;
            }
        }
        if (ascii) {
            return new String(key, offset, length, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(key, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
