package io.cachecheck.audit;

/** The results of one namespace over all tenants; score as in {@link TenantReport}. */
public record NamespaceReport(String namespace, long keysChecked, long consistent, long stale, long orphan,
                              long corrupt, long inFlight, long expired, double score, boolean complete) {
}
