package io.cachecheck.audit;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.decode.CorruptReasons;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Most of a namespace's keys could not be decoded, all in the same way: the contract probably declares the wrong
 * format for it (a wrong {@code decode}, or none where one is needed), which is a contract error rather than drift.
 *
 * @param corruptKeys the keys that failed this way (among the findings kept, so at least this many)
 * @param keysChecked the namespace's keys checked over all tenants
 * @param reason      the CORRUPT reason they share (it names what the bytes look like when they say so)
 * @param message     one line for people: what happened and what to do
 */
public record FormatDiagnosis(long corruptKeys, long keysChecked, String reason, String message) {
    /** Fewer failing keys than this never make a diagnosis: a few damaged values are drift, not a wrong contract. */
    static final int MIN_KEYS = 3;

    /**
     * The diagnosis of a namespace from its findings, or null: more than half of its checked keys (and at least
     * {@link #MIN_KEYS}) are CORRUPT with the same reason (numbers in it aside). Values over check.maxValueBytes
     * do not count: their size, not their format, stopped them.
     */
    static FormatDiagnosis of(String namespace, long keysChecked, List<Finding> findings) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> example = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.driftClass() != DriftClass.CORRUPT || !namespace.equals(f.namespace()) || f.reason() == null
                    || f.reason().startsWith(CorruptReasons.TOO_LARGE)) {
                continue;
            }
            String kind = f.reason().replaceAll("\\d+", "N");
            counts.computeIfAbsent(kind, k -> new long[1])[0]++;
            example.putIfAbsent(kind, f.reason());
        }
        String worst = null;
        long most = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] > most) {
                most = e.getValue()[0];
                worst = e.getKey();
            }
        }
        if (worst == null || most < MIN_KEYS || most * 2 <= keysChecked) {
            return null;
        }
        String reason = example.get(worst);
        return new FormatDiagnosis(most, keysChecked, reason, "namespace " + namespace + ": " + most + " of " + keysChecked
                + " keys checked are CORRUPT (" + reason + "): the contract probably declares the wrong format for this"
                + " namespace; fix its decode (docs/formats.md) before reading these keys as drift. They are not remediated.");
    }
}
