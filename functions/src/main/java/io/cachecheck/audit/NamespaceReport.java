package io.cachecheck.audit;

/**
 * The results of one namespace over all tenants; score as in {@link TenantReport}.
 *
 * @param wrongFormat set when most of its keys could not be decoded in the same way (the contract probably declares
 *                    the wrong format); null otherwise
 */
public record NamespaceReport(String namespace, long keysChecked, long consistent, long stale, long orphan,
                              long corrupt, long inFlight, long expired, double score, boolean complete,
                              FormatDiagnosis wrongFormat) {
}
