package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Says what undecodable bytes look like, so that a CORRUPT reason can tell a wrong {@code decode} declaration from a
 * damaged value: {@code not-utf8: looks like Java serialization; declare decode: [java]}. It only runs for values
 * that failed to decode, and only claims a format its magic bytes announce and, where this build can read it, that
 * actually decodes (bounded by the same limits). It names formats, never anything of the value's content.
 */
final class FormatSniffer {
    /** A recognised format and the decode list that reads it. */
    record Guess(String what, List<String> names, String declaration) {
        Guess prefixed(String what, String step) {
            List<String> n = new ArrayList<>();
            n.add(step);
            n.addAll(names);
            return new Guess(what, n, declaration.isEmpty() ? step : step + ", " + declaration);
        }
    }

    private static final Pattern PHP = Pattern.compile("^(?:a:\\d+:\\{|O:\\d+:\"|C:\\d+:\"|s:\\d+:\"|i:-?\\d+;|d:-?[0-9.eE+INFA-]+;|b:[01];|N;)");
    private static final int MAX_NESTING = 2;

    private FormatSniffer() {
    }

    /** The hint to append to {@code reason}, or "" when the bytes look like nothing else than what is declared. */
    static String hint(String reason, byte[] bytes, DecodeChain chain, ReadLimits limits) {
        Guess guess = guess(bytes, limits, 0);
        List<String> declared = new ArrayList<>(chain.names());
        declared.remove(DecodeSteps.HASH_FIELD);
        if (guess == null || guess.names().equals(declared)) {
            return "";
        }
        String separator = reason.indexOf(':') >= 0 ? "; " : ": ";
        if (guess.names().isEmpty()) {
            return separator + "looks like " + guess.what();
        }
        String declaration = "[" + (chain.hashField() == null ? "" : "{hashField: " + chain.hashField() + "}, ") + guess.declaration() + "]";
        for (String name : guess.names()) {
            if (!DecodeSteps.available(name)) {
                return separator + "looks like " + guess.what() + " (decode: " + declaration + "), which this version of"
                        + " cachecheck cannot read yet";
            }
        }
        return separator + "looks like " + guess.what() + "; declare decode: " + declaration;
    }

    /**
     * For {@code unexpected-fields}: whether the extra fields are Jackson's type property (with jackson-typed not
     * declared) or a {@code {value, expires}} envelope's (with no envelope declared).
     */
    static String unexpectedFieldsHint(List<String> unexpected, List<String> declared) {
        if (!declared.contains("envelope") && unexpected.contains("value") && unexpected.contains("expires")) {
            return ": looks like JSON in a {value, expires} envelope (Node keyv, cache-manager); declare decode: [json, {envelope: value}]";
        }
        if (declared.contains("jackson-typed")) {
            return null;
        }
        for (String field : unexpected) {
            if (field.equals("@class") || field.endsWith(".@class")) {
                return ": looks like JSON with Jackson type information (@class); declare decode: [json, jackson-typed]";
            }
        }
        return null;
    }

    static Guess guess(byte[] b, ReadLimits limits, int nesting) {
        int n = b.length;
        if (n >= 4 && (b[0] & 0xff) == 0xAC && (b[1] & 0xff) == 0xED && b[2] == 0 && b[3] == 5) {
            return new Guess("Java serialization (stream magic AC ED)", List.of("java"), "java");
        }
        if (n >= 3 && (b[0] & 0xff) == 0x1F && (b[1] & 0xff) == 0x8B && b[2] == 8) {
            return compressed("gzip", b, limits, nesting);
        }
        if (n >= 4 && (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xB5 && (b[2] & 0xff) == 0x2F && (b[3] & 0xff) == 0xFD) {
            return compressed("zstd", b, limits, nesting);
        }
        if (n >= 4 && b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4D && b[3] == 0x18) {
            return compressed("lz4", b, limits, nesting);
        }
        if (n >= 10 && (b[0] & 0xff) == 0xFF && b[1] == 6 && b[2] == 0 && b[3] == 0
                && new String(b, 4, 6, StandardCharsets.ISO_8859_1).equals("sNaPpY")) {
            return new Guess("a Snappy framed stream, which cachecheck does not read (raw Snappy is decode: [snappy])", List.of(), "");
        }
        if (n >= 2 && (b[0] & 0x0F) == 8 && (b[0] & 0xff) >> 4 <= 7 && (((b[0] & 0xff) << 8) | (b[1] & 0xff)) % 31 == 0) {
            Guess zlib = compressed("zlib", b, limits, nesting);
            if (zlib.names().size() > 1) {
                return zlib; // zlib's two header bytes are also plain text ("x^"): only claim it when it inflates
            }
        }
        if (n >= 3 && (b[0] & 0xff) == 0x80 && b[1] >= 2 && b[1] <= 5 && b[n - 1] == '.') {
            return new Guess("Python pickle (protocol " + b[1] + ")", List.of("pickle"), "pickle");
        }
        if (n >= 2 && ((b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE
                || n >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xFE && (b[3] & 0xff) == 0xFF
                || n >= 4 && (b[0] == 0 || b[1] == 0 || b[2] == 0 || b[3] == 0) && asciiEvery(b))) {
            return new Guess("UTF-16 or UTF-32 text; values must be UTF-8 (an application reading UTF-8 cannot read this value)",
                    List.of(), "");
        }
        if (PHP.matcher(new String(b, 0, Math.min(n, 32), StandardCharsets.ISO_8859_1)).find()) {
            return new Guess("PHP serialize()", List.of("php"), "php");
        }
        Guess json = json(b, limits);
        if (json != null) {
            return json;
        }
        if (n >= 1 && ((b[0] & 0xF0) == 0x80 || (b[0] & 0xff) == 0xDE || (b[0] & 0xff) == 0xDF)
                && readsAsObject("msgpack", b, limits)) {
            return new Guess("MessagePack", List.of("msgpack"), "msgpack");
        }
        return null;
    }

    private static Guess compressed(String step, byte[] b, ReadLimits limits, int nesting) {
        Guess plain = new Guess(step + "-compressed data", List.of(step), step);
        Optional<ByteDecoder> decoder = DecodeSteps.decompressor(step);
        if (decoder.isEmpty() || nesting >= MAX_NESTING) {
            return plain;
        }
        try {
            Guess inner = guess(decoder.get().decode(b, limits), limits, nesting + 1);
            return inner == null || inner.names().isEmpty() ? plain : inner.prefixed(step + "-compressed " + inner.what(), step);
        } catch (UndecodableException e) {
            return plain;
        }
    }

    private static Guess json(byte[] b, ReadLimits limits) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        if (i >= b.length || (b[i] != '{' && b[i] != '[')) {
            return null;
        }
        JsonNode root;
        try {
            root = DecodeSteps.reader("json").orElseThrow().read(b, limits);
        } catch (UndecodableException e) {
            return null;
        }
        if (root.isObject() && root.has("@class") || root.isArray() && root.size() == 2 && root.get(0).isTextual()
                && io.cachecheck.decode.jackson.JacksonTypeInfo.looksLikeWrapper(root)) {
            return new Guess("JSON with Jackson type information", List.of("json", "jackson-typed"), "json, jackson-typed");
        }
        if (root.isObject() && root.size() == 2 && root.has("value") && root.has("expires")) {
            return new Guess("JSON in a {value, expires} envelope (Node keyv, cache-manager)", List.of("json", "envelope"),
                    "json, {envelope: value}");
        }
        return new Guess("JSON", List.of("json"), "json");
    }

    private static boolean readsAsObject(String name, byte[] b, ReadLimits limits) {
        Optional<TreeReader> reader = DecodeSteps.reader(name);
        if (reader.isEmpty()) {
            return false;
        }
        try {
            return reader.get().read(b, limits).isObject();
        } catch (UndecodableException e) {
            return false;
        }
    }

    /** Whether every non-zero byte among the first 64 is printable ASCII or whitespace (UTF-16/32 of ASCII text). */
    private static boolean asciiEvery(byte[] b) {
        for (int i = 0; i < Math.min(b.length, 64); i++) {
            int v = b[i] & 0xff;
            if (v != 0 && (v > 0x7e || v < 0x20 && v != '\n' && v != '\r' && v != '\t')) {
                return false;
            }
        }
        return true;
    }
}
