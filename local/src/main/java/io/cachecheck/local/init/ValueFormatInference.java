package io.cachecheck.local.init;

import io.cachecheck.decode.Utf8;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.decode.Decoded;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.chain.DecodeChain;
import io.cachecheck.decode.chain.FormatDetection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value format of a family from its sampled values, with the product's own readers: {@link FormatDetection}
 * names the format of string values (JSON, Jackson typed JSON, JDK serialisation, MessagePack, PHP, pickle,
 * compressed ...), and the {@link DecodeChain} it implies reads every sampled value into fields, exactly as the
 * check will. Nothing is loaded or run: the readers build trees of data within {@link ReadLimits}.
 */
public final class ValueFormatInference {
    /** How the family's values are stored, and what to declare. */
    public enum Layout { JSON, HASH, STRING, DECODED, COLLECTION, UNKNOWN }

    /**
     * The inferred format.
     *
     * @param layout       JSON (plain JSON objects, {@code valueType: json}), HASH, STRING (text compared with one
     *                     column), DECODED (a {@code decode} list), COLLECTION (set/zset/list: not proposed) or UNKNOWN
     * @param decode       the decode list for DECODED, e.g. {@code [java]}; empty otherwise
     * @param what         a description of the format, e.g. {@code Java serialization (stream magic AC ED)}
     * @param fields       the cached field names with how many sampled values hold each, in first-seen order
     * @param sampled      values read
     * @param agreeing     values of the chosen format (the others are another Redis type or another format)
     * @param undecodable  values of the chosen format that its reader could not read
     * @param cachedNulls  framework "no value" markers (Spring's NullValue), which have no fields
     */
    public record Format(Layout layout, List<String> decode, String what, Map<String, Integer> fields, int sampled,
                         int agreeing, int undecodable, int cachedNulls) {
    }

    private static final int MAX_VALUE_BYTES = 8 * 1024 * 1024;
    /** The vote of a value in no format this version reads (compared by identity). */
    private static final List<String> UNREADABLE = new ArrayList<>(List.of("unreadable"));

    private ValueFormatInference() {
    }

    /** Infers the format from sampled values (TYPE already applied: strings as Text, hashes as Hash). */
    public static Format infer(List<CachedValue> values, Map<String, Integer> otherTypes) {
        int strings = 0;
        int hashes = 0;
        for (CachedValue v : values) {
            if (v instanceof CachedValue.Text) {
                strings++;
            } else if (v instanceof CachedValue.Hash) {
                hashes++;
            }
        }
        int collections = otherTypes.values().stream().mapToInt(Integer::intValue).sum();
        int sampled = strings + hashes + collections;
        if (collections > strings && collections > hashes) {
            return new Format(Layout.COLLECTION, List.of(), String.join("/", otherTypes.keySet()), Map.of(), sampled, collections, 0, 0);
        }
        if (hashes > strings) {
            Map<String, Integer> fields = new LinkedHashMap<>();
            for (CachedValue v : values) {
                if (v instanceof CachedValue.Hash h) {
                    new TreeMap<String, byte[]>(textKeys(h.fields())).keySet().forEach(f -> fields.merge(f, 1, Integer::sum));
                }
            }
            return new Format(Layout.HASH, List.of(), "Redis hashes", fields, sampled, hashes, 0, 0);
        }
        if (strings == 0) {
            return new Format(Layout.UNKNOWN, List.of(), "no value could be read", Map.of(), sampled, 0, 0, 0);
        }
        // the format most string values are in
        ReadLimits limits = ReadLimits.ofMaxBytes(MAX_VALUE_BYTES);
        Map<List<String>, Integer> votes = new LinkedHashMap<>();
        Map<List<String>, String> what = new HashMap<>();
        for (CachedValue v : values) {
            if (v instanceof CachedValue.Text t) {
                if (isSpringNull(t.bytes())) {
                    continue; // Spring's NullValue is JDK-serialised whatever the value serialiser: no vote
                }
                FormatDetection.Format f = FormatDetection.detect(t.bytes(), limits).orElse(null);
                List<String> steps;
                if (f != null) {
                    // a format cachecheck names but cannot read (UTF-16 text, framed Snappy) must not pass for text
                    steps = f.steps().isEmpty() ? UNREADABLE : f.steps();
                } else {
                    steps = Utf8.text(t.bytes()) == null ? UNREADABLE : List.of();
                }
                votes.merge(steps, 1, Integer::sum);
                what.putIfAbsent(steps, f != null ? f.what() : steps == UNREADABLE
                        ? "bytes that are not UTF-8 text and in no format cachecheck recognises" : "text");
            }
        }
        // only Spring NullValues: they are JDK-serialised, so the JDK reader reads them
        List<String> steps = votes.isEmpty() ? List.of("java") : votes.entrySet().stream()
                .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int agreeing = votes.getOrDefault(steps, 0);
        if (steps == UNREADABLE) {
            return new Format(Layout.UNKNOWN, List.of(), what.get(steps), Map.of(), sampled, agreeing, agreeing, 0);
        }
        Layout layout = steps.isEmpty() ? Layout.STRING : steps.equals(List.of("json")) ? Layout.JSON : Layout.DECODED;
        DecodeChain chain = layout == Layout.STRING ? DecodeChain.defaultFor(DecodeChain.Layout.STRING)
                : layout == Layout.JSON ? DecodeChain.defaultFor(DecodeChain.Layout.JSON) : chain(steps);
        Map<String, Integer> fields = new LinkedHashMap<>();
        int undecodable = 0;
        int nulls = 0;
        for (CachedValue v : values) {
            if (v instanceof CachedValue.Text t) {
                Decoded d = chain.decodeString(t.bytes(), null, MAX_VALUE_BYTES);
                if (d.cachedNull()) {
                    nulls++;
                } else if (d.corrupt()) {
                    undecodable++;
                } else if (layout != Layout.STRING) {
                    new TreeMap<>(d.fields()).keySet().forEach(f -> fields.merge(f, 1, Integer::sum));
                }
            }
        }
        // undecodable counts values of other formats too; keep only the chosen format's failures
        undecodable = Math.max(0, undecodable - (strings - nulls - agreeing));
        return new Format(layout, layout == Layout.DECODED ? steps : List.of(), what.getOrDefault(steps, "text"), fields,
                sampled, agreeing, undecodable, nulls);
    }

    private static boolean isSpringNull(byte[] bytes) {
        return DecodeChain.defaultFor(DecodeChain.Layout.JSON).decodeString(bytes, null, MAX_VALUE_BYTES).cachedNull();
    }

    static DecodeChain chain(List<String> steps) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode();
        steps.forEach(node::add);
        return DecodeChain.parse(node, "decode", DecodeChain.Layout.JSON);
    }

    private static Map<String, byte[]> textKeys(Map<byte[], byte[]> hash) {
        Map<String, byte[]> out = new HashMap<>();
        hash.forEach((k, v) -> out.put(new String(k, StandardCharsets.UTF_8), v));
        return out;
    }

    /** Field names in order of how many values hold them (most first), then first seen. */
    static List<String> fieldNames(Format f) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(f.fields().entrySet());
        entries.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        return entries.stream().map(Map.Entry::getKey).toList();
    }
}
