package io.cachecheck.check;

import java.math.BigInteger;

/**
 * Figures for one tenant and namespace.
 *
 * @param keysChecked      keys classified (consistent + stale + orphan + corrupt + in-flight)
 * @param expired          keys that disappeared between the scan and the read (not drift, not checked)
 * @param score            1 - (stale + orphan + corrupt) / keysChecked; 1.0 when nothing was checked
 * @param cacheDigest      order-independent digest of the cache side (sum of per-key SHA-256, hex)
 * @param sourceDigest     order-independent digest of the source side, comparable across runs
 * @param complete         false when part of this tenant/namespace was skipped
 */
public record TenantNamespaceResult(String tenant, String namespace, long keysChecked, long consistent, long stale,
                                    long orphan, long corrupt, long inFlight, long expired, double score,
                                    String cacheDigest, String sourceDigest, boolean complete) {

    private static final BigInteger DIGEST_MODULUS = BigInteger.ONE.shiftLeft(256);

    public long drifted() {
        return stale + orphan + corrupt;
    }

    /**
     * The figures of one tenant and namespace checked in two parts (e.g. the per-node work items of a cluster shard):
     * counts add up, the score is recomputed, the digests add (they are sums modulo 2^256 of per-key hashes) and the
     * union is complete only if both parts are.
     */
    public static TenantNamespaceResult merge(TenantNamespaceResult a, TenantNamespaceResult b) {
        long checked = a.keysChecked() + b.keysChecked();
        long drifted = a.drifted() + b.drifted();
        return new TenantNamespaceResult(a.tenant(), a.namespace(), checked, a.consistent() + b.consistent(),
                a.stale() + b.stale(), a.orphan() + b.orphan(), a.corrupt() + b.corrupt(), a.inFlight() + b.inFlight(),
                a.expired() + b.expired(), checked == 0 ? 1.0 : 1.0 - (double) drifted / checked,
                addDigests(a.cacheDigest(), b.cacheDigest()), addDigests(a.sourceDigest(), b.sourceDigest()),
                a.complete() && b.complete());
    }

    /** The digest of a union of disjoint key sets: the sum of their digests modulo 2^256. */
    public static String addDigests(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        BigInteger sum = new BigInteger(a, 16).add(new BigInteger(b, 16)).mod(DIGEST_MODULUS);
        return String.format("%064x", sum);
    }
}
