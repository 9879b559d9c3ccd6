package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.Namespace;
import io.cachecheck.source.SourceRow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Classifies one key at one look: its cached value against its source row (or the absence of one). */
final class Classifier {
    private final int maxValueBytes;
    private final CollectionClassifier collections;

    Classifier(int maxValueBytes, int maxMembers) {
        this.maxValueBytes = maxValueBytes;
        this.collections = new CollectionClassifier(maxValueBytes, maxMembers);
    }

    /** Classifies the batch's {@code index}-th key, {@code key}, at the look {@code look}. */
    Outcome classify(Namespace ns, Lookup look, int index, ScannedKey key) {
        return ns.valueType().collection() ? collections.classify(ns, look.value(index), look.members(key))
                : classify(ns, look.value(index), look.row(key));
    }

    Outcome classify(Namespace ns, CachedValue value, SourceRow row) {
        Outcome o = new Outcome();
        o.rowExists = row != null;
        if (value instanceof CachedValue.Missing) {
            return o; // expired or deleted since the scan: not drift, not checked
        }
        // The raw-value digest and the source version only serve a differing key (its finding and its re-check),
        // so they are computed once the key is known to differ: for every consistent key they cost one SHA-256 and
        // a version parse and format (docs/performance.md, "Engine levers, second round").
        io.cachecheck.decode.Decoded decoded = CachedValueDecoder.decode(ns, value, maxValueBytes);
        if (decoded.corrupt()) {
            o.valueDigest = rawDigest(value);
            o.sourceVersion = Canonicalizer.sourceVersion(ns, row);
            o.sourceVersionInstant = Canonicalizer.sourceVersionInstant(ns, row);
            o.driftClass = DriftClass.CORRUPT;
            o.reason = decoded.corruptReason();
            o.fields = decoded.corruptFields();
            o.cacheDigest = o.valueDigest;
            o.sourceDigest = row == null ? null : Canonicalizer.sourceOnlyDigest(ns, row);
            return o;
        }
        if (row == null && decoded.cachedNull()) {
            // the application cached that there is no row (Spring's NullValue), and there is none: they agree
            o.driftClass = DriftClass.CONSISTENT;
            o.cacheDigest = Canonicalizer.cacheOnlyDigest(ns, decoded);
            o.sourceDigest = o.cacheDigest;
            return o;
        }
        if (row == null) {
            o.valueDigest = rawDigest(value);
            o.driftClass = DriftClass.ORPHAN;
            o.reason = "row-missing";
            o.cacheDigest = Canonicalizer.cacheOnlyDigest(ns, decoded);
            return o;
        }
        Canonicalizer.Comparison cmp = Canonicalizer.compare(ns, decoded, row);
        o.cacheDigest = cmp.cacheDigest();
        o.sourceDigest = cmp.sourceDigest();
        o.cacheVersion = cmp.cacheVersion();
        o.sourceVersion = cmp.sourceVersion();
        o.versionOrder = cmp.versionOrder();
        o.fields = cmp.differingFields();
        o.driftClass = cmp.equal() ? DriftClass.CONSISTENT : DriftClass.STALE;
        o.reason = cmp.equal() ? null : "fields-differ";
        if (!cmp.equal()) {
            o.valueDigest = rawDigest(value);
            o.sourceVersionInstant = Canonicalizer.sourceVersionInstant(ns, row);
        }
        return o;
    }

    /** SHA-256 of the stored bytes; for a hash, of its fields sorted by name; for a collection, of its members. */
    static byte[] rawDigest(CachedValue value) {
        if (value instanceof CachedValue.Members m) {
            return CollectionClassifier.rawDigest(m);
        }
        if (value instanceof CachedValue.Text t) {
            return Canonicalizer.sha256(t.bytes());
        }
        if (value instanceof CachedValue.Hash h) {
            List<Map.Entry<byte[], byte[]>> fields = new ArrayList<>(h.fields().entrySet());
            fields.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Map.Entry<byte[], byte[]> f : fields) {
                writeLengthPrefixed(out, f.getKey());
                writeLengthPrefixed(out, f.getValue());
            }
            return Canonicalizer.sha256(out.toByteArray());
        }
        if (value instanceof CachedValue.WrongType w) {
            return Canonicalizer.sha256(("wrong-type:" + w.expected()).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /** Appends {@code bytes} with a 4-byte big-endian length, so that no two sequences digest alike. */
    static void writeLengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        int n = bytes.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(bytes, 0, n);
    }
}
