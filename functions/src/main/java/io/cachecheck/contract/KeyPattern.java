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

    /**
     * Where a key that this pattern does not {@link #match} departs from it, for diagnosis ({@code cachecheck explain}).
     *
     * @param keyOffset     the byte offset in the key where it departs
     * @param patternOffset the character offset in {@link #text()} where the pattern expected something else
     * @param matchedBytes  how many bytes of the key agreed before that (a longer one is a nearer pattern)
     * @param reason        what was expected, e.g. {@code expected ":order:" after {tenant_id}}; no part of the key
     * @param foundFrom     with {@code foundTo}, the key's bytes where the pattern's literal was expected (part of
     *                      the key: redact them like keys); both -1 when there are none
     */
    public record Divergence(int keyOffset, int patternOffset, int matchedBytes, String reason, int foundFrom, int foundTo) {
    }

    /**
     * Why a key does not match: the first place where it departs from the pattern, or null when it matches. A
     * literal that a placeholder should be followed by is looked for at its best partial occurrence, so
     * {@code t:{tenant}:order_sumary:{id}} against {@code t:acme:order_summary:5} points at the {@code m} of
     * {@code summary}. Not on the scan's path: {@link #match} decides.
     */
    public Divergence divergence(byte[] key) {
        if (match(key) != null) {
            return null;
        }
        int[] textOffsets = literalTextOffsets();
        int common = commonPrefix(key, 0, literals[0]);
        if (common < literals[0].length) {
            return new Divergence(common, textOffsets[0] + charsOf(literals[0], common), common,
                    "expected \"" + literalText(0) + "\" at the start of the key",
                    0, Math.min(key.length, literals[0].length));
        }
        int pos = literals[0].length;
        for (int p = 0; p < placeholders.size(); p++) {
            byte[] next = literals[p + 1];
            String name = "{" + placeholders.get(p) + "}";
            if (p == placeholders.size() - 1) {
                int end = key.length - next.length;
                if (end <= pos) {
                    return new Divergence(key.length, textOffsets[p + 1] - name.length(), pos,
                            name + " is empty: the key ends at byte " + key.length
                                    + (next.length > 0 ? " (the pattern ends with \"" + literalText(p + 1) + "\")" : ""), -1, -1);
                }
                if (!regionEquals(key, end, next)) {
                    return new Divergence(end, textOffsets[p + 1], pos,
                            "expected the key to end with \"" + literalText(p + 1) + "\" after " + name,
                            end, key.length);
                }
                return invalidValue(key, pos, end, textOffsets[p + 1] - name.length(), name);
            }
            int end = indexOf(key, next, pos + 1);
            if (end < 0) {
                // the best partial occurrence of the literal: where the key agrees with most of its bytes
                int bestAt = pos + 1;
                int bestLen = -1;
                for (int i = pos + 1; i < key.length; i++) {
                    int len = commonPrefix(key, i, next);
                    if (len > bestLen) {
                        bestLen = len;
                        bestAt = i;
                    }
                }
                if (bestLen <= 0) {
                    return new Divergence(key.length, textOffsets[p + 1], pos,
                            "expected \"" + literalText(p + 1) + "\" after " + name + ", found none", -1, -1);
                }
                return new Divergence(bestAt + bestLen, textOffsets[p + 1] + charsOf(next, bestLen), bestAt + bestLen,
                        "expected \"" + literalText(p + 1) + "\" after " + name,
                        bestAt, Math.min(key.length, bestAt + next.length));
            }
            Divergence bad = invalidValue(key, pos, end, textOffsets[p + 1] - name.length(), name);
            if (bad != null) {
                return bad;
            }
            pos = end + next.length;
        }
        return null;
    }

    private static Divergence invalidValue(byte[] key, int from, int end, int patternOffset, String name) {
        if (decode(key, from, end - from) == null) {
            return new Divergence(from, patternOffset, from, name + " takes bytes " + from + ".." + end
                    + ", which are not valid UTF-8 text or hold a control byte", -1, -1);
        }
        return null;
    }

    /** The character offset in {@link #text()} at which each literal starts. */
    private int[] literalTextOffsets() {
        int[] out = new int[literals.length];
        int at = 0;
        for (int i = 0; i < literals.length; i++) {
            out[i] = at;
            at += literalText(i).length();
            if (i < placeholders.size()) {
                at += placeholders.get(i).length() + 2;
            }
        }
        return out;
    }

    private String literalText(int i) {
        return new String(literals[i], StandardCharsets.UTF_8);
    }

    private static int charsOf(byte[] literal, int bytes) {
        return new String(literal, 0, bytes, StandardCharsets.UTF_8).length();
    }

    private static int commonPrefix(byte[] key, int from, byte[] literal) {
        int n = 0;
        while (n < literal.length && from + n < key.length && key[from + n] == literal[n]) {
            n++;
        }
        return n;
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
