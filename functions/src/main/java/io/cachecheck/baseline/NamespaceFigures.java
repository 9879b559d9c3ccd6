package io.cachecheck.baseline;

import io.cachecheck.check.TenantNamespaceResult;

/**
 * The figures of one tenant and namespace kept in a baseline.
 *
 * @param cacheDigest  order-independent digest of the cache side (see {@link TenantNamespaceResult})
 * @param sourceDigest order-independent digest of the source side
 * @param complete     false when part of this tenant/namespace was not checked in that run
 */
public record NamespaceFigures(String tenant, String namespace, long keysChecked, long consistent, long stale,
                               long orphan, long corrupt, long inFlight, double score, String cacheDigest,
                               String sourceDigest, boolean complete) {

    public static NamespaceFigures of(TenantNamespaceResult r) {
        return new NamespaceFigures(r.tenant(), r.namespace(), r.keysChecked(), r.consistent(), r.stale(), r.orphan(),
                r.corrupt(), r.inFlight(), r.score(), r.cacheDigest(), r.sourceDigest(), r.complete());
    }

    public long drifted() {
        return stale + orphan + corrupt;
    }

    public Id id() {
        return new Id(tenant, namespace);
    }

    /** Identity of a tenant and namespace across runs. */
    public record Id(String tenant, String namespace) {
    }
}
