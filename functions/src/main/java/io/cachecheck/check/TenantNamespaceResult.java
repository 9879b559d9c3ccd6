package io.cachecheck.check;

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

    public long drifted() {
        return stale + orphan + corrupt;
    }
}
