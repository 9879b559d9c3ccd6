package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.ValueType;
import io.cachecheck.source.MemberRows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies one key of a collection namespace (set, zset, list) at one look: its cached members against the rows of
 * its key, or the absence of any. The order of the checks follows scalar values: a value that cannot be compared
 * (wrong type, too large, not UTF-8) is CORRUPT whether rows exist or not; then no rows at all is ORPHAN; then the
 * members are compared ({@link CollectionComparison}).
 */
final class CollectionClassifier {
    private final int maxValueBytes;
    private final int maxMembers;

    CollectionClassifier(int maxValueBytes, int maxMembers) {
        this.maxValueBytes = maxValueBytes;
        this.maxMembers = maxMembers;
    }

    Outcome classify(Namespace ns, CachedValue value, MemberRows rows) {
        Outcome o = new Outcome();
        o.rowExists = rows != null;
        if (value instanceof CachedValue.Missing) {
            return o; // Redis deletes a collection with its last member: gone since the scan, not checked
        }
        if (value instanceof CachedValue.WrongType w) {
            return corrupt(o, ns, value, rows, "wrong-type: expected " + w.expected());
        }
        CachedValue.Members members = (CachedValue.Members) value;
        if (members.members().size() > maxMembers) {
            Outcome tooMany = corrupt(o, ns, value, rows, io.cachecheck.decode.CorruptReasons.TOO_LARGE + ": more than check.maxMembers " + maxMembers + " members");
            // SRANDMEMBER picks another sample of a set this large at every read: digest the verdict, not the sample,
            // so that the re-check does not take the new sample for a change (IN_FLIGHT)
            tooMany.valueDigest = Canonicalizer.sha256((ns.valueType().redisType() + '\n' + tooMany.reason)
                    .getBytes(StandardCharsets.UTF_8));
            tooMany.cacheDigest = tooMany.valueDigest;
            return tooMany;
        }
        long bytes = 0;
        for (byte[] m : members.members()) {
            bytes += m.length;
        }
        if (bytes > maxValueBytes) {
            return corrupt(o, ns, value, rows, io.cachecheck.decode.CorruptReasons.TOO_LARGE + ": " + bytes + " bytes > check.maxValueBytes " + maxValueBytes);
        }
        List<String> texts = new ArrayList<>(members.members().size());
        for (byte[] m : members.members()) {
            String text = io.cachecheck.decode.Utf8.decode(m);
            if (text == null) {
                return corrupt(o, ns, value, rows, "not-utf8");
            }
            texts.add(text);
        }
        if (rows == null) {
            o.driftClass = DriftClass.ORPHAN;
            o.reason = "row-missing";
            o.valueDigest = rawDigest(members);
            o.cacheDigest = CollectionComparison.cacheOnlyDigest(ns, CollectionComparison.cachedMembers(texts, List.of(),
                    ns.memberColumn()), members.scores());
            return o;
        }
        if (rows.tooMany()) {
            // not compared: the source holds more than the cap for this key, so no cached value within it could be
            // judged equal or not without reading them all
            return corrupt(o, ns, value, null, io.cachecheck.decode.CorruptReasons.TOO_LARGE + ": the source has more than check.maxMembers "
                    + maxMembers + " rows for the key");
        }
        List<String> cached = CollectionComparison.cachedMembers(texts, rows.rows(), ns.memberColumn());
        CollectionComparison.Result r = CollectionComparison.compare(ns, cached, members.scores(), rows.rows());
        o.cacheDigest = r.cacheDigest();
        o.sourceDigest = r.sourceDigest();
        o.fields = r.aspects();
        o.driftClass = r.equal() ? DriftClass.CONSISTENT : DriftClass.STALE;
        o.reason = r.reason();
        if (!r.equal()) {
            o.valueDigest = rawDigest(members);
        }
        return o;
    }

    private static Outcome corrupt(Outcome o, Namespace ns, CachedValue value, MemberRows rows, String reason) {
        o.driftClass = DriftClass.CORRUPT;
        o.reason = reason;
        o.valueDigest = Classifier.rawDigest(value);
        o.cacheDigest = o.valueDigest;
        o.sourceDigest = rows == null || rows.tooMany() ? null : CollectionComparison.sourceOnlyDigest(ns, rows.rows());
        return o;
    }

    /**
     * SHA-256 of the members as stored: a set's members sorted by their bytes (its read order is random), a list's in
     * order, a zset's pairs sorted by member with each score as {@link Double#toString} writes it. Remediation reads
     * the key again and deletes it only while this digest is unchanged (docs/remediation.md).
     */
    static byte[] rawDigest(CachedValue.Members value) {
        List<byte[]> members = value.members();
        Integer[] order = new Integer[members.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (value.type() != ValueType.LIST) {
            Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(members.get(a), members.get(b)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] tag = value.type().redisType().getBytes(StandardCharsets.UTF_8);
        out.write(tag, 0, tag.length);
        for (int i : order) {
            Classifier.writeLengthPrefixed(out, members.get(i));
            if (value.scores() != null) {
                Classifier.writeLengthPrefixed(out, scoreText(value.scores()[i]).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return Canonicalizer.sha256(out.toByteArray());
    }

    /** A score as the digest and the remediation script write it: Java's shortest round-trip text, or inf/-inf. */
    static String scoreText(double score) {
        return Double.isInfinite(score) ? (score > 0 ? "inf" : "-inf") : Double.toString(score);
    }
}
